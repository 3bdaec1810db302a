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

/** Filters on columns a payout keeps from its creation on. */
const KEPT_FROM_CREATION = new Set<keyof ListQuery>([
  'type',
  'method',
  'payout_to',
  'loan',
  'account',
  'topup',
  'created_at__gte',
  'created_at__lte',
]);
/** The query's parameters that are not filters. */
const NOT_FILTERS = new Set<keyof ListQuery>(['page', 'page_size', 'ordering', 'expand']);

export function listFilter(tenant: string, query: ListQuery, options: { unmatched?: boolean }): ListFilter {
  const where: string[] = ['tenant = ?'];
  const args: unknown[] = [tenant];
  const filter = (condition: string, value: unknown) => {
    if (value === undefined) return;
    where.push(condition);
    args.push(value);
  };
  if (options.unmatched) where.push("status = 'processed'", 'transaction_id IS NULL');
  filter('status = ?', query.status);
  filter('type = ?', query.type);
  filter('method = ?', query.method);
  filter('payout_to = ?', query.payout_to);
  filter('loan = ?', query.loan);
  filter('account = ?', query.account);
  filter('topup = ?', query.topup);
  filter('is_downloaded = ?', query.is_downloaded === undefined ? undefined : Number(query.is_downloaded));
  filter('created_at >= ?', query.created_at__gte);
  filter('created_at <= ?', query.created_at__lte);
  filter('processed_at >= ?', query.processed_at__gte);
  filter('processed_at <= ?', query.processed_at__lte);
  if (query.search !== undefined) {
    const pattern = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // Case-insensitive on both databases (SQLite's LIKE is, PostgreSQL's is not).
    where.push("(lower(ref_id) LIKE lower(?) ESCAPE '\\' OR lower(utr) LIKE lower(?) ESCAPE '\\')");
    args.push(pattern, pattern);
  }
  const changesOnlyWithCreates =
    !options.unmatched &&
    (Object.keys(query) as (keyof ListQuery)[]).every(
      (name) => query[name] === undefined || NOT_FILTERS.has(name) || KEPT_FROM_CREATION.has(name),
    );
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
