// The payouts and their lifecycle, on SQLite. Every change runs in one IMMEDIATE transaction that
// reads the payout and writes it under the write lock, so two requests racing to move the same
// payout (in this process or another one on the same file) leave exactly one winner; the other
// sees the new status and gets its 409.
import { createHash, randomUUID } from 'node:crypto';
import type { Db, Statement } from './db.js';
import { Problem } from './problem.js';
import type { CreditBank, DebitBank, ExpandedRecord, Payout, PayoutPage, PayoutStatus, QueryOf, RequestBody } from './types.js';

type CreatePayoutRequest = RequestBody<'createPayout'>;
type ProcessPayoutRequest = RequestBody<'processPayout'>;
type PayoutCallback = RequestBody<'receivePayoutCallback'>;
type ExportPayoutsRequest = RequestBody<'exportPayoutsForBank'>;
type Ordering = NonNullable<QueryOf<'listPayouts'>['ordering']>;

/** The filters of List Payouts and Unmatched Payouts, page and order included. */
export type ListQuery = QueryOf<'listPayouts'> & QueryOf<'listUnmatchedPayouts'>;

interface PayoutRow {
  seq: number;
  id: string;
  created_at: number;
  updated_at: number;
  type: Payout['type'];
  ref_id: string;
  numeric_ref_id: string;
  idx: number;
  amount: number;
  method: Payout['method'];
  status: PayoutStatus;
  payout_service_id: string | null;
  processed_at: number | null;
  bank_date: number | null;
  date: number | null;
  failed_remark: string | null;
  utr: string | null;
  debit_bank_id: string | null;
  export_debit_bank_id: string | null;
  credit_bank_id: string;
  payout_to: Payout['payout_to'];
  is_downloaded: 0 | 1;
  is_imported: 0 | 1;
  sent_to_gl: 0 | 1;
  account: string;
  topup: string | null;
  loan: string;
  record_id: string | null;
  transaction_id: string | null;
  version: number;
}

/** A payout as the API answers it, and its JSON, for one version of its row. */
interface Rendered {
  version: number;
  payout: Payout;
  json: string;
}

export interface BankFile {
  /** The CSV text, RFC 4180 with CRLF line ends. */
  csv: string;
  fileName: string;
  payouts: Payout[];
}

const ORDER_COLUMNS: Record<string, string> = { created_at: 'created_at', amount: 'amount', processed_at: 'processed_at' };
const EXPORT_COLUMNS = [
  'payout_id',
  'reference',
  'amount',
  'method',
  'beneficiary_name',
  'beneficiary_account_no',
  'beneficiary_ifsc',
  'debit_account_no',
] as const;
// Requests arrive with the spec's defaults filled in by validation; this serves direct calls.
const DEFAULT_PAGE_SIZE = 15;
const CACHED_PAYOUTS = 20_000;

/**
 * The JSON of answers the store built from cached parts (a page of payouts), so that the HTTP side
 * sends it as it is instead of serialising the same objects again. Equal to JSON.stringify(answer).
 */
const prerendered = new WeakMap<object, string>();

export function prerenderedJson(answer: object): string | undefined {
  return prerendered.get(answer);
}

export class PayoutStore {
  private readonly statements = new Map<string, Statement>();
  private readonly debitBanks = new Map<string, DebitBank>();
  private readonly creditBanks = new Map<string, CreditBank>();
  /**
   * Payouts as answered, by id. An entry is used only while its version is the row's (another
   * process on the same file moves the version too), so the cache is never stale; it only spares
   * turning SQLite rows into objects and JSON again, which is most of a list's cost.
   */
  private readonly rendered = new Map<string, Rendered>();
  /** The open batch: one callback per request in it, called once the batch is committed. */
  private batch: ((failure?: Error) => void)[] | undefined;

  constructor(
    readonly db: Db,
    private readonly clock: () => number = () => Date.now() / 1000,
  ) {}

  // ---- banks -------------------------------------------------------------------------------

  /** Adds the banks that are not there yet (by id); known ones are left as they are. */
  seedBanks(debit: DebitBank[], credit: CreditBank[]): void {
    this.db
      .transaction(() => {
        for (const bank of debit) {
          this.sql('INSERT OR IGNORE INTO debit_banks (id, account_no, ifsc, document) VALUES (?, ?, ?, ?)').run(
            bank.id,
            bank.account_no,
            bank.ifsc,
            JSON.stringify(bank),
          );
        }
        for (const bank of credit) this.sql('INSERT OR IGNORE INTO credit_banks (id, document) VALUES (?, ?)').run(bank.id, JSON.stringify(bank));
      })
      .immediate();
  }

  /** Banks never change once stored, so each is read from the database once. */
  debitBank(id: string): DebitBank | undefined {
    return cached(this.debitBanks, id, () => this.sql('SELECT document FROM debit_banks WHERE id = ?').get(id));
  }

  creditBank(id: string): CreditBank | undefined {
    return cached(this.creditBanks, id, () => this.sql('SELECT document FROM credit_banks WHERE id = ?').get(id));
  }

  // ---- the seven operations ----------------------------------------------------------------

  /** Create Payout: a new pending payout, or the first one again for a repeated Idempotency-Key. */
  create(request: CreatePayoutRequest, idempotencyKey?: string): Promise<Payout> {
    const requestHash = idempotencyKey === undefined ? '' : hashOf(request);
    return this.write(() => {
      if (idempotencyKey !== undefined) {
        const seen = this.sql('SELECT request_hash, payout_id FROM idempotency_keys WHERE key = ?').get(idempotencyKey) as
          | { request_hash: string; payout_id: string }
          | undefined;
        if (seen && seen.request_hash !== requestHash) {
          throw Problem.conflict(`Idempotency-Key ${idempotencyKey} was used with a different request body.`);
        }
        if (seen) return this.payout(this.row(seen.payout_id)!);
      }
      if (!this.creditBank(request.credit_bank_id)) {
        throw Problem.field('credit_bank_id', `Invalid pk "${request.credit_bank_id}" - object does not exist.`);
      }
      const now = this.clock();
      const seq = (this.sql('SELECT coalesce(max(seq), 0) + 1 AS next FROM payouts').get() as { next: number }).next;
      const index = (this.sql('SELECT count(*) AS n FROM payouts WHERE loan = ?').get(request.loan) as { n: number }).n;
      const yymm = new Date(now * 1000).toISOString().slice(2, 7).replace('-', '');
      const number = String(seq).padStart(6, '0');
      const id = randomUUID();
      this.sql(
        `INSERT INTO payouts (seq, id, created_at, updated_at, type, ref_id, numeric_ref_id, idx, amount, method, status,
           credit_bank_id, payout_to, is_downloaded, is_imported, sent_to_gl, account, topup, loan)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, 0, 0, 0, ?, ?, ?)`,
      ).run(
        seq,
        id,
        now,
        now,
        request.type,
        `PAY-LN${yymm}-${number}`,
        `${yymm}${number}`,
        index,
        request.amount,
        request.method,
        request.credit_bank_id,
        request.payout_to,
        request.account,
        request.topup ?? null,
        request.loan,
      );
      if (idempotencyKey !== undefined) {
        this.sql('INSERT INTO idempotency_keys (key, request_hash, payout_id, created_at) VALUES (?, ?, ?, ?)').run(idempotencyKey, requestHash, id, now);
      }
      return this.payout(this.row(id)!);
    });
  }

  /** List Payouts (and, with `unmatched`, Unmatched Payouts): one page, filtered and ordered. */
  list(query: ListQuery, options: { unmatched?: boolean; expandRecord?: boolean } = {}): Promise<PayoutPage> {
    return this.read(() => this.page(query, options));
  }

  private page(query: ListQuery, options: { unmatched?: boolean; expandRecord?: boolean }): PayoutPage {
    const where: string[] = [];
    const args: unknown[] = [];
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
      where.push("(ref_id LIKE ? ESCAPE '\\' OR utr LIKE ? ESCAPE '\\')");
      args.push(pattern, pattern);
    }
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const page = query.page ?? 1;
    const pageSize = query.page_size ?? DEFAULT_PAGE_SIZE;
    const count = (this.sql(`SELECT count(*) AS n FROM payouts ${whereSql}`).get(...args) as { n: number }).n;
    const offset = (page - 1) * pageSize;
    let versions: { id: string; version: number }[] = [];
    // Past the last page the answer is an empty page (as the spec says), without asking SQLite for
    // an offset it may not be able to represent.
    if (offset < count) {
      versions = this.sql(`SELECT id, version FROM payouts ${whereSql} ORDER BY ${orderBy(query.ordering ?? '-created_at')} LIMIT ? OFFSET ?`).all(
        ...args,
        pageSize,
        offset,
      ) as { id: string; version: number }[];
    }
    const rendered = versions.map(({ id, version }) => this.cachedRender(id, version));
    if (options.expandRecord) {
      return { count, current_page: page, page_size: pageSize, results: this.withRecords(rendered.map((r) => r.payout)) };
    }
    const answer: PayoutPage = { count, current_page: page, page_size: pageSize, results: rendered.map((r) => r.payout) };
    prerendered.set(answer, `{"count":${count},"current_page":${page},"page_size":${pageSize},"results":[${rendered.map((r) => r.json).join(',')}]}`);
    return answer;
  }

  /** Export Payout for Bank: the bank file; every payout in it becomes initiated. */
  exportForBank(request: ExportPayoutsRequest): Promise<BankFile> {
    return this.write(() => {
      const bank = this.debitBank(request.debit_bank_id);
      if (!bank) throw Problem.notFound(`No DebitBank matches ${request.debit_bank_id}.`);
      let rows: PayoutRow[];
      if (request.payout_ids) {
        rows = request.payout_ids.map((id) => {
          const row = this.row(id);
          if (!row) throw Problem.notFound(`No Payout matches ${id}.`);
          if (row.status !== 'pending') throw Problem.conflict(`Payout ${id} is ${row.status}; only pending payouts can be exported.`);
          return row;
        });
      } else {
        rows = this.sql("SELECT * FROM payouts WHERE status = 'pending' AND is_downloaded = 0 ORDER BY seq").all() as PayoutRow[];
      }
      const now = this.clock();
      const stamp = new Date(now * 1000).toISOString();
      const bankCode = bank.ifsc.slice(0, 4);
      const yymmdd = stamp.slice(2, 10).replace(/-/g, '');
      let line = (this.sql('SELECT coalesce(max(seq), 0) AS last FROM export_lines').get() as { last: number }).last;
      const lines = [EXPORT_COLUMNS.join(',')];
      for (const row of rows) {
        line += 1;
        // The export line's number keeps every reference unique, also for a payout exported again after a retry.
        const reference = `${bankCode}-${row.method.toUpperCase()}-${yymmdd}-${String(line).padStart(4, '0')}`;
        this.sql('INSERT INTO export_lines (seq, reference, payout_id, debit_bank_id, exported_at) VALUES (?, ?, ?, ?, ?)').run(
          line,
          reference,
          row.id,
          bank.id,
          now,
        );
        this.sql(
          `UPDATE payouts SET status = 'initiated', is_downloaded = 1, payout_service_id = ?, export_debit_bank_id = ?, updated_at = ?
           WHERE id = ?`,
        ).run(reference, bank.id, now, row.id);
        const beneficiary = this.creditBank(row.credit_bank_id)!;
        const cells = {
          payout_id: row.id,
          reference,
          amount: String(row.amount),
          method: row.method,
          beneficiary_name: beneficiary.account_holder_name,
          beneficiary_account_no: beneficiary.account_no,
          beneficiary_ifsc: beneficiary.ifsc,
          debit_account_no: bank.account_no,
        };
        lines.push(EXPORT_COLUMNS.map((column) => csvCell(cells[column])).join(','));
      }
      const fileName = `payouts-${bankCode}-${stamp.slice(0, 19).replace(/[-:]/g, '')}.csv`;
      return { csv: `${lines.join('\r\n')}\r\n`, fileName, payouts: rows.map((row) => this.payout(this.row(row.id)!)) };
    });
  }

  /** Process Payout: the bank paid an initiated payout. */
  markProcessed(id: string, request: ProcessPayoutRequest): Promise<Payout> {
    return this.write(() => {
      const row = this.existing(id);
      const bank = this.debitBank(request.debit_bank_id);
      if (!bank) throw Problem.field('debit_bank_id', `Invalid pk "${request.debit_bank_id}" - object does not exist.`);
      if (request.debit_bank_account_no !== undefined && request.debit_bank_account_no !== bank.account_no) {
        throw Problem.field('debit_bank_account_no', `Does not match the account number of debit bank ${bank.id}.`);
      }
      if (row.status !== 'initiated') throw Problem.conflict(`Payout is ${row.status}; only an initiated payout can be marked processed.`);
      this.applyProcessed(row, request.utr, request.processed_at, bank.id);
      return this.payout(this.row(id)!);
    });
  }

  /** Payout Callback: the payout service's outcome, applied once. */
  callback(request: PayoutCallback): Promise<Payout> {
    return this.write(() => {
      const row = this.sql('SELECT * FROM payouts WHERE payout_service_id = ?').get(request.payout_service_id) as PayoutRow | undefined;
      if (!row) throw Problem.notFound(`No Payout has payout_service_id ${request.payout_service_id}.`);
      if (row.status === 'initiated') {
        const now = this.clock();
        if (request.status === 'processed') {
          this.applyProcessed(row, request.utr, request.processed_at ?? Math.floor(now), row.export_debit_bank_id!);
        } else {
          this.sql("UPDATE payouts SET status = 'failed', failed_remark = ?, updated_at = ? WHERE id = ?").run(request.failed_remark, now, row.id);
        }
        return this.payout(this.row(row.id)!);
      }
      if (row.status !== request.status) throw Problem.conflict(`Payout is ${row.status}; a ${request.status} callback cannot change it.`);
      if (request.status === 'processed' && request.utr !== row.utr) {
        throw Problem.conflict(`Payout is processed with utr ${row.utr}; a callback with utr ${request.utr} cannot change it.`);
      }
      return this.payout(row); // the same outcome again: nothing changes
    });
  }

  /** Retry Failed Payout: back to pending, ready for the next export. */
  retry(id: string): Promise<Payout> {
    return this.write(() => {
      const row = this.existing(id);
      if (row.status !== 'failed') throw Problem.conflict(`Payout is ${row.status}; only a failed payout can be retried.`);
      this.sql(
        `UPDATE payouts SET status = 'pending', failed_remark = NULL, payout_service_id = NULL, export_debit_bank_id = NULL,
           is_downloaded = 0, updated_at = ? WHERE id = ?`,
      ).run(this.clock(), id);
      return this.payout(this.row(id)!);
    });
  }

  /** Marks a processed payout as matched to a bank statement line (no API operation does this). */
  match(id: string, transactionId: string): Promise<void> {
    return this.write(() => {
      const row = this.existing(id);
      if (row.status !== 'processed') throw Problem.conflict(`Payout is ${row.status}; only a processed payout can be matched.`);
      this.sql('UPDATE payouts SET transaction_id = ?, updated_at = ? WHERE id = ?').run(transactionId, this.clock(), id);
    });
  }

  count(): number {
    return (this.sql('SELECT count(*) AS n FROM payouts').get() as { n: number }).n;
  }

  // ---- internals ---------------------------------------------------------------------------

  private applyProcessed(row: PayoutRow, utr: string, processedAt: number, debitBankId: string): void {
    const now = this.clock();
    // Paying a payout posts it to the ledger: the record that expand=record shows.
    const record: ExpandedRecord = {
      id: randomUUID(),
      created_at: now,
      updated_at: now,
      type: 'payout',
      payout: row.id,
      loan: row.loan,
      account: row.account,
      amount: row.amount,
      utr,
      date: processedAt,
    };
    this.sql('INSERT INTO records (id, payout_id, document) VALUES (?, ?, ?)').run(record.id, row.id, JSON.stringify(record));
    this.sql(
      `UPDATE payouts SET status = 'processed', utr = ?, processed_at = ?, date = ?, bank_date = ?, debit_bank_id = ?,
         record_id = ?, sent_to_gl = 1, updated_at = ? WHERE id = ?`,
    ).run(utr, processedAt, processedAt, processedAt, debitBankId, record.id, now, row.id);
  }

  /** Copies of the payouts with each record id replaced by the record (cached payouts stay as they are). */
  private withRecords(payouts: Payout[]): Payout[] {
    const ids = payouts.map((p) => p.record).filter((r): r is string => typeof r === 'string');
    if (ids.length === 0) return payouts;
    const rows = this.db.prepare(`SELECT id, document FROM records WHERE id IN (${ids.map(() => '?').join(',')})`).all(...ids) as {
      id: string;
      document: string;
    }[];
    const byId = new Map(rows.map((r) => [r.id, JSON.parse(r.document) as ExpandedRecord]));
    return payouts.map((p) => (typeof p.record === 'string' && byId.has(p.record) ? { ...p, record: byId.get(p.record)! } : p));
  }

  /**
   * Group commit. A change runs at once, in a savepoint of the batch transaction (BEGIN IMMEDIATE:
   * the write lock is taken before anything is read, so a racing request, here or in another
   * process on the file, sees the winner's result). The batch commits once this turn of the event
   * loop is over, with one sync to disk for every request that arrived meanwhile, and only then
   * are their answers released: nothing is acknowledged before it is on disk.
   */
  private write<T>(change: () => T): Promise<T> {
    const settleAfterCommit = this.joinBatch();
    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, value: this.db.transaction(change)() };
    } catch (error) {
      outcome = { ok: false, error };
    }
    return settleAfterCommit(outcome);
  }

  /** A read sees the open batch's changes, so its answer too waits until they are committed. */
  private read<T>(query: () => T): Promise<T> {
    if (!this.batch) return Promise.resolve(query());
    return this.write(query);
  }

  private joinBatch(): <T>(outcome: { ok: true; value: T } | { ok: false; error: unknown }) => Promise<T> {
    if (!this.batch) {
      this.db.exec('BEGIN IMMEDIATE');
      this.batch = [];
      setImmediate(() => this.commit());
    }
    const batch = this.batch;
    return (outcome) =>
      new Promise((resolve, reject) =>
        batch.push((failure) => {
          if (failure) reject(failure);
          else if (outcome.ok) resolve(outcome.value);
          else reject(outcome.error);
        }),
      );
  }

  private commit(): void {
    const waiting = this.batch;
    if (!waiting) return;
    this.batch = undefined;
    let failure: Error | undefined;
    try {
      this.db.exec('COMMIT');
    } catch (error) {
      failure = new Error(`the database could not commit: ${(error as Error).message}`);
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      // Entries rendered from the lost changes carry versions the rows may reach again.
      this.rendered.clear();
    }
    for (const settle of waiting) settle(failure);
  }

  /** Commits what is pending and closes the database. */
  close(): void {
    this.commit();
    this.db.close();
  }

  private row(id: string): PayoutRow | undefined {
    return this.sql('SELECT * FROM payouts WHERE id = ?').get(id) as PayoutRow | undefined;
  }

  private existing(id: string): PayoutRow {
    const row = this.row(id);
    if (!row) throw Problem.notFound('No Payout matches the given query.');
    return row;
  }

  private payout(row: PayoutRow): Payout {
    return this.render(row).payout;
  }

  private cachedRender(id: string, version: number): Rendered {
    const cached = this.rendered.get(id);
    return cached?.version === version ? cached : this.render(this.row(id)!);
  }

  private render(row: PayoutRow): Rendered {
    const cached = this.rendered.get(row.id);
    if (cached?.version === row.version) return cached;
    const payout = Object.freeze(this.toPayout(row));
    const entry = { version: row.version, payout, json: JSON.stringify(payout) };
    this.rendered.delete(row.id);
    this.rendered.set(row.id, entry);
    if (this.rendered.size > CACHED_PAYOUTS) this.rendered.delete(this.rendered.keys().next().value!);
    return entry;
  }

  private toPayout(row: PayoutRow): Payout {
    return {
      id: row.id,
      created_at: row.created_at,
      updated_at: row.updated_at,
      type: row.type,
      ref_id: row.ref_id,
      numeric_ref_id: row.numeric_ref_id,
      index: row.idx,
      amount: row.amount,
      method: row.method,
      status: row.status,
      payout_service_id: row.payout_service_id,
      processed_at: row.processed_at,
      bank_date: row.bank_date,
      date: row.date,
      failed_remark: row.failed_remark,
      utr: row.utr,
      debit_bank: row.debit_bank_id === null ? null : this.debitBank(row.debit_bank_id)!,
      credit_bank: this.creditBank(row.credit_bank_id)!,
      payout_to: row.payout_to,
      is_downloaded: row.is_downloaded === 1,
      is_imported: row.is_imported === 1,
      sent_to_gl: row.sent_to_gl === 1,
      account: row.account,
      topup: row.topup,
      loan: row.loan,
      record: row.record_id,
      transaction: row.transaction_id,
    };
  }

  /** Prepared statements, one per SQL text (list queries vary with their filters). */
  private sql(text: string): Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }
}

function orderBy(ordering: Ordering): string {
  const column = ordering.replace(/^-/, '');
  const direction = ordering.startsWith('-') ? 'DESC' : 'ASC';
  // Payouts with no processed_at (not paid yet) come last either way; seq breaks ties. The plain
  // form lets SQLite walk an index (created_at, seq) instead of sorting every matching row.
  const nulls = column === 'processed_at' ? ' NULLS LAST' : '';
  return `${ORDER_COLUMNS[column]!} ${direction}${nulls}, seq ${direction}`;
}

function cached<T>(cache: Map<string, T>, id: string, read: () => unknown): T | undefined {
  let value = cache.get(id);
  if (value === undefined) {
    const row = read() as { document: string } | undefined;
    if (!row) return undefined;
    value = JSON.parse(row.document) as T;
    cache.set(id, value);
  }
  return value;
}

/** The same body in another key order is the same request. */
function hashOf(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex');
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
