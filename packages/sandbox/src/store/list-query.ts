// List Payouts' and Unmatched Payouts' query parameters as SQL: the filters, and an order the
// database can serve from an index.
import type { QueryOf } from '../types.js';

/** The filters of List Payouts and Unmatched Payouts, page and order included. */
export type ListQuery = QueryOf<'listPayouts'> & QueryOf<'listUnmatchedPayouts'>;
type Ordering = NonNullable<ListQuery['ordering']>;

const ORDER_COLUMNS: Record<string, string> = { created_at: 'created_at', amount: 'amount', processed_at: 'processed_at' };

/** A list query's filter as SQL. */
export interface ListFilter {
  whereSql: string;
  args: unknown[];
  /**
   * True when only a Create Payout can change which payouts match: every condition is on a column
   * a payout is created with and keeps (a move changes its status, references, dates and flags).
   */
  changesOnlyWithCreates: boolean;
}

export function listFilter(tenant: string, query: ListQuery, options: { unmatched?: boolean }): ListFilter {
  const where: string[] = ['tenant = ?'];
  const args: unknown[] = [tenant];
  // Every condition says whether its column is one a payout keeps from its creation (a move
  // changes the others); the unsaid default is that a move may change what it matches.
  let changesOnlyWithCreates = true;
  const filter = (condition: string, value: unknown, column: 'kept from creation' | 'moved' = 'moved') => {
    if (value === undefined) return;
    where.push(condition);
    args.push(value);
    if (column === 'moved') changesOnlyWithCreates = false;
  };
  if (options.unmatched) {
    where.push("status = 'processed'", 'transaction_id IS NULL');
    changesOnlyWithCreates = false;
  }
  filter('status = ?', query.status);
  filter('type = ?', query.type, 'kept from creation');
  filter('method = ?', query.method, 'kept from creation');
  filter('payout_to = ?', query.payout_to, 'kept from creation');
  filter('loan = ?', query.loan, 'kept from creation');
  filter('account = ?', query.account, 'kept from creation');
  filter('topup = ?', query.topup, 'kept from creation');
  filter('is_downloaded = ?', query.is_downloaded === undefined ? undefined : Number(query.is_downloaded));
  filter('created_at >= ?', query.created_at__gte, 'kept from creation');
  filter('created_at <= ?', query.created_at__lte, 'kept from creation');
  filter('processed_at >= ?', query.processed_at__gte);
  filter('processed_at <= ?', query.processed_at__lte);
  if (query.search !== undefined) {
    const pattern = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // Case-insensitive on both databases (SQLite's LIKE is, PostgreSQL's is not). The utr moves.
    where.push("(lower(ref_id) LIKE lower(?) ESCAPE '\\' OR lower(utr) LIKE lower(?) ESCAPE '\\')");
    args.push(pattern, pattern);
    changesOnlyWithCreates = false;
  }
  return { whereSql: `WHERE ${where.join(' AND ')}`, args, changesOnlyWithCreates };
}

/** ORDER BY for an `ordering` value (default newest first). */
export function orderBy(ordering: Ordering = '-created_at'): string {
  const column = orderColumn(ordering);
  const direction = ordering.startsWith('-') ? 'DESC' : 'ASC';
  // Payouts with no processed_at (not paid yet) come last either way; seq breaks ties. The plain
  // form lets SQLite walk an index (created_at, seq) instead of sorting every matching row.
  const nulls = column === 'processed_at' ? ' NULLS LAST' : '';
  return `${column} ${direction}${nulls}, seq ${direction}`;
}

/** The column a list is ordered by (ties broken by seq). */
export function orderColumn(ordering: Ordering = '-created_at'): string {
  return ORDER_COLUMNS[ordering.replace(/^-/, '')]!;
}
