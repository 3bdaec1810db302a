// The payouts and their lifecycle: which operation may move a payout from which status, and what
// it writes. Every change runs in one write of the database (database.ts), which serialises it
// against every other writer, in this process or another on the same database: two requests
// racing to move the same payout leave exactly one winner; the other sees the new status and gets
// its 409. Every row belongs to a tenant, and a tenant's view (`Payouts`) reads and writes only
// its own.
import { randomUUID } from 'node:crypto';
import { Refusal } from '../refusal.js';
import type { CreditBank, DebitBank, ExpandedRecord, Payout, PayoutPage, PayoutStatus, RequestBody } from '../types.js';
import { type BankFile, type BankFileLine, bankFileCsv, bankFileName, exportReference } from './bank-file.js';
import { type Database, NEXT_TENANT_NUMBER, type Tx } from './database.js';
import { KEY_TTL_SECONDS, type KeyedRequest, keyedRequestHash, type RecordedAnswer, requestHash } from './idempotency.js';
import { type ListFilter, type ListQuery, listFilter, orderBy, orderColumn } from './list-query.js';
import { prerenderedJson, RenderCache, type Rendered, renderedPage } from './render-cache.js';

/** The spec's 404 for an id the tenant has no payout with (DRF's wording). */
const NOT_FOUND = () => Refusal.notFound('No Payout matches the given query.');

/** The sandbox's own tenant: the tokens and callback secrets given on its command line. */
export const DEFAULT_TENANT = '';

/**
 * The tenant a request was authenticated as was dropped before its change could run: the change
 * did not happen (the request answers 401). A drop and a change of its tenant never interleave:
 * the change re-reads its tenant under a lock the drop must wait for (or, on SQLite, inside the one
 * write at a time), so it lands before the drop (and goes with it) or not at all.
 */
export class TenantGoneError extends Error {
  constructor(readonly tenant: string) {
    super('The tenant this token belonged to was dropped.');
    this.name = 'TenantGoneError';
  }
}

type CreatePayoutRequest = RequestBody<'createPayout'>;
type ProcessPayoutRequest = RequestBody<'processPayout'>;
type PayoutCallback = RequestBody<'receivePayoutCallback'>;
type ExportPayoutsRequest = RequestBody<'exportPayoutsForBank'>;

/** What an Idempotency-Key's first answer is kept as (see db.ts, schema 3). */
interface AnswerRow {
  key: string;
  request_hash: string;
  status: number;
  content_type: string;
  headers: string;
  body: string;
  created_at: number;
}

/** Keys kept from before schema 3: their body is the id of the payout they made. */
const LEGACY_PAYOUT = 'legacy-payout';

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
  reversed_at: number | null;
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
  tenant: string;
}

/**
 * Every column of a payout, in the order Create Payout's INSERT names them. A column added to
 * PayoutRow and not here fails to compile, naming it, rather than being left to its default in
 * the database while the answer says otherwise.
 */
const PAYOUT_COLUMNS = Object.keys({
  seq: true,
  id: true,
  created_at: true,
  updated_at: true,
  type: true,
  ref_id: true,
  numeric_ref_id: true,
  idx: true,
  amount: true,
  method: true,
  status: true,
  payout_service_id: true,
  processed_at: true,
  bank_date: true,
  date: true,
  failed_remark: true,
  reversed_at: true,
  utr: true,
  debit_bank_id: true,
  export_debit_bank_id: true,
  credit_bank_id: true,
  payout_to: true,
  is_downloaded: true,
  is_imported: true,
  sent_to_gl: true,
  account: true,
  topup: true,
  loan: true,
  record_id: true,
  transaction_id: true,
  version: true,
  tenant: true,
} satisfies Record<keyof PayoutRow, true>) as (keyof PayoutRow)[];
const INSERT_PAYOUT = `INSERT INTO payouts (${PAYOUT_COLUMNS.join(', ')}) VALUES (${PAYOUT_COLUMNS.map(() => '?').join(', ')})`;

/** The page a List asks for: its filter as SQL, its order and its window. */
interface PageWanted extends ListFilter {
  ordering: ListQuery['ordering'];
  pageSize: number;
  offset: number;
}

/** Which version of a payout a page shows. */
interface RowVersion {
  id: string;
  version: number;
}

// Requests arrive with the spec's defaults filled in by validation; this serves direct calls.
const DEFAULT_PAGE_SIZE = 15;
/** List counts kept at once (one per filter and tenant). */
const KEPT_COUNTS = 1000;
/** Payouts in one export without payout_ids (the spec's bound, as many as payout_ids may name). */
const EXPORT_BATCH = 500;
/** Expired Idempotency-Keys are forgotten (up to 100) on every this many keyed writes. */
const FORGET_EVERY = 50;

/** What outlives a transaction: the database, the banks (they never change) and rendered payouts. */
export class PayoutStore {
  private readonly debitBanks = new Map<string, DebitBank>();
  private readonly creditBanks = new Map<string, CreditBank>();
  readonly rendered = new RenderCache();
  private keyedWrites = 0;
  private readonly counts = new Map<string, KeptCount>();
  private readonly exportListeners: ((tenant: string, payouts: Payout[]) => void)[] = [];

  constructor(
    readonly database: Database,
    readonly clock: () => number = () => Date.now() / 1000,
  ) {
    database.onRollback(() => this.rendered.clear());
  }

  /** Adds the banks that are not there yet (by id); known ones are left as they are. */
  seedBanks(debit: DebitBank[], credit: CreditBank[]): Promise<void> {
    return this.database.write(async (tx) => {
      for (const bank of debit) {
        await tx.run(
          'INSERT INTO debit_banks (id, account_no, ifsc, document) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
          bank.id,
          bank.account_no,
          bank.ifsc,
          JSON.stringify(bank),
        );
      }
      for (const bank of credit)
        await tx.run('INSERT INTO credit_banks (id, document) VALUES (?, ?) ON CONFLICT DO NOTHING', bank.id, JSON.stringify(bank));
    });
  }

  /** Banks never change once stored, so each is read from the database once. */
  async debitBank(tx: Tx, id: string): Promise<DebitBank | undefined> {
    return cached(this.debitBanks, id, () => tx.get('SELECT document FROM debit_banks WHERE id = ?', id));
  }

  async creditBank(tx: Tx, id: string): Promise<CreditBank | undefined> {
    return cached(this.creditBanks, id, () => tx.get('SELECT document FROM credit_banks WHERE id = ?', id));
  }

  /**
   * How many payouts match a list's filter. Counting walks every matching row (a tenant's whole
   * index range when unfiltered), most of a List's cost on a large database; the count is kept
   * while the database's data `version` stands (counted every time without one).
   */
  async counted(tx: Tx, whereSql: string, args: unknown[], version: string | undefined): Promise<number> {
    const kept = this.keptCount(whereSql, args);
    if (version !== undefined && kept?.version === version) return kept.n;
    const { n } = (await tx.get<{ n: number }>(`SELECT count(*) AS n FROM payouts ${whereSql}`, ...args))!;
    if (version !== undefined) this.keepCount(whereSql, args, version, n);
    return n;
  }

  /** The count kept for a filter, with the version of what it counted. */
  keptCount(whereSql: string, args: unknown[]): KeptCount | undefined {
    return this.counts.get(countKey(whereSql, args));
  }

  keepCount(whereSql: string, args: unknown[], version: KeptCount['version'], n: number): void {
    if (this.counts.size >= KEPT_COUNTS) this.counts.clear();
    this.counts.set(countKey(whereSql, args), { version, n });
  }

  /** Runs a read as a tenant, against what is committed. */
  read<T>(tenant: string, query: (payouts: Payouts) => Promise<T>): Promise<T> {
    return this.database.read((tx) => query(new Payouts(this, tx, tenant, true)));
  }

  /** Calls `listener` with the payouts of every export once it is committed (not for a replay). */
  onExport(listener: (tenant: string, payouts: Payout[]) => void): void {
    this.exportListeners.push(listener);
  }

  /** Runs a change as a tenant, in one write; a TenantGoneError when the tenant no longer exists. */
  async write<T>(tenant: string, change: (payouts: Payouts) => Promise<T>): Promise<T> {
    let attempt: Payouts | undefined;
    const result = await this.database.write(async (tx) => {
      if (tenant !== DEFAULT_TENANT)
        await tx.require(
          `SELECT id FROM tenants WHERE id = ?${this.database.dialect.forShare}`,
          [tenant],
          () => new TenantGoneError(tenant),
        );
      attempt = new Payouts(this, tx, tenant, false);
      return change(attempt);
    });
    // Only the attempt that committed: one run again after a lost race starts with nothing exported.
    const exported = attempt?.exported ?? [];
    if (exported.length > 0) for (const listener of this.exportListeners) listener(tenant, exported);
    return result;
  }

  /**
   * Runs one state-changing operation, its change and the answer built from it, in a write. A
   * refusal (a Refusal) is an answer too, and undoes whatever the change wrote before it. With an
   * Idempotency-Key (the tenant's own) the answer is recorded in the same transaction as the
   * change, so a repeat gets the first answer and changes nothing, and a crash leaves both or
   * neither; a refusal, whose change was undone, is recorded in a write of its own (no savepoint
   * on the way of every keyed change).
   */
  async answer(tenant: string, run: (payouts: Payouts) => Promise<RecordedAnswer>, keyed?: KeyedRequest): Promise<RecordedAnswer> {
    if (!keyed) {
      try {
        return await this.write(tenant, run);
      } catch (error) {
        if (error instanceof Refusal) return { status: error.status, body: error.body };
        throw error;
      }
    }
    const hash = keyedRequestHash(keyed);
    try {
      return await this.write(tenant, async (payouts) => {
        const replay = await this.replayOf(payouts, keyed, hash);
        if (replay) return replay;
        let answer: RecordedAnswer;
        try {
          answer = await run(payouts);
        } catch (error) {
          throw error instanceof Refusal ? new RefusedChange(error) : error;
        }
        return this.recordAnswer(payouts, keyed, hash, answer);
      });
    } catch (error) {
      if (!(error instanceof RefusedChange)) throw error;
      const refusal = { status: error.refusal.status, body: error.refusal.body };
      // A request with the same key may have answered in between: its answer is the key's.
      return this.write(
        tenant,
        async (payouts) => (await this.replayOf(payouts, keyed, hash)) ?? this.recordAnswer(payouts, keyed, hash, refusal),
      );
    }
  }

  /** The first answer kept for this key and request; a 409 for the key used with another request. */
  private async replayOf(payouts: Payouts, keyed: KeyedRequest, hash: string): Promise<RecordedAnswer | undefined> {
    const { tx, tenant } = payouts;
    const seen = await tx.get<AnswerRow>('SELECT * FROM idempotent_answers WHERE tenant = ? AND key = ?', tenant, keyed.key);
    if (!seen) return undefined;
    if (seen.created_at <= this.clock() - KEY_TTL_SECONDS) {
      await tx.run('DELETE FROM idempotent_answers WHERE tenant = ? AND key = ?', tenant, keyed.key);
      return undefined;
    }
    // Create Payout's keys from before schema 3 hashed the body alone, and answer the payout as it is.
    const legacy = seen.content_type === LEGACY_PAYOUT;
    const same = legacy
      ? seen.request_hash === `createPayout:${requestHash(keyed.body)}` && keyed.operationId === 'createPayout'
      : seen.request_hash === hash;
    if (!same) throw Refusal.conflict(`Idempotency-Key ${keyed.key} was used with another request (another body, payout or operation).`);
    if (legacy) return { status: 201, body: await payouts.payoutOf(seen.body) };
    return {
      status: seen.status,
      contentType: seen.content_type,
      headers: JSON.parse(seen.headers),
      body: seen.content_type === 'application/json' ? JSON.parse(seen.body) : seen.body,
    };
  }

  /** Keeps `answer` as the key's first answer. */
  private async recordAnswer(payouts: Payouts, keyed: KeyedRequest, hash: string, answer: RecordedAnswer): Promise<RecordedAnswer> {
    const { tx, tenant } = payouts;
    const now = this.clock();
    const contentType = answer.contentType ?? 'application/json';
    const body = typeof answer.body === 'string' ? answer.body : (prerenderedJson(answer.body as object) ?? JSON.stringify(answer.body));
    await tx.run(
      'INSERT INTO idempotent_answers (tenant, key, request_hash, status, content_type, headers, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      tenant,
      keyed.key,
      hash,
      answer.status,
      contentType,
      JSON.stringify(answer.headers ?? {}),
      body,
      now,
    );
    // Forgetting expired keys a few at a time, every few keyed writes, keeps every write short
    // (more are forgotten each time than the writes in between can make).
    if (++this.keyedWrites % FORGET_EVERY === 0) {
      await tx.run(
        'DELETE FROM idempotent_answers WHERE (tenant, key) IN (SELECT tenant, key FROM idempotent_answers WHERE created_at < ? LIMIT 100)',
        now - KEY_TTL_SECONDS,
      );
    }
    return { ...answer, contentType };
  }

  // ---- the operations as the default tenant: for seeding and tests below HTTP -------------------

  create(request: CreatePayoutRequest, tenant = DEFAULT_TENANT): Promise<Payout> {
    return this.write(tenant, (p) => p.create(request));
  }

  list(query: ListQuery, options: PageOptions = {}, tenant = DEFAULT_TENANT): Promise<PayoutPage> {
    return this.read(tenant, (p) => p.page(query, options));
  }

  exportForBank(request: ExportPayoutsRequest, tenant = DEFAULT_TENANT): Promise<BankFile> {
    return this.write(tenant, (p) => p.exportForBank(request));
  }

  markProcessed(id: string, request: ProcessPayoutRequest, tenant = DEFAULT_TENANT): Promise<Payout> {
    return this.write(tenant, (p) => p.markProcessed(id, request));
  }

  callback(request: PayoutCallback, tenant = DEFAULT_TENANT): Promise<Payout> {
    return this.write(tenant, (p) => p.callback(request));
  }

  retry(id: string, tenant = DEFAULT_TENANT): Promise<Payout> {
    return this.write(tenant, (p) => p.retry(id));
  }

  match(id: string, transactionId: string, tenant = DEFAULT_TENANT): Promise<void> {
    return this.write(tenant, (p) => p.match(id, transactionId));
  }

  count(tenant = DEFAULT_TENANT): Promise<number> {
    return this.read(tenant, (p) => p.count());
  }

  /** Commits what is pending and closes the database. */
  close(): Promise<void> {
    return this.database.close();
  }
}

export interface PageOptions {
  unmatched?: boolean;
  expandRecord?: boolean;
}

/** A keyed change that refused: its write is undone, and the refusal recorded in one of its own. */
class RefusedChange extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

/** One tenant's payouts, in one transaction. */
export class Payouts {
  /** The payouts this change exported (PayoutStore.onExport hears of them once it commits). */
  readonly exported: Payout[] = [];

  constructor(
    private readonly store: PayoutStore,
    readonly tx: Tx,
    readonly tenant: string,
    /**
     * Reads of committed data fill the render cache; a change renders without it, as what it
     * wrote may still be rolled back (or run again) after another process commits that version.
     */
    private readonly caching: boolean,
  ) {}

  private get dialect() {
    return this.store.database.dialect;
  }

  /** Create Payout: a new pending payout. */
  async create(request: CreatePayoutRequest): Promise<Payout> {
    if (!(await this.store.creditBank(this.tx, request.credit_bank_id))) {
      throw Refusal.field('credit_bank_id', `Invalid pk "${request.credit_bank_id}" - object does not exist.`);
    }
    // A payout's index is its place among its loan's payouts: creates for one loan take turns.
    if (this.dialect.lockKey) await this.tx.run(this.dialect.lockKey, `${this.tenant}/${request.loan}`);
    const now = this.store.clock();
    const seq = (await this.tx.get<{ next: number }>(this.dialect.nextSeq('payouts')))!.next;
    // What the tenant sees counts its own payouts only: no tenant can count another's.
    const shown = await this.nextNumber('payouts');
    const index = (await this.tx.get<{ n: number }>(
      'SELECT count(*) AS n FROM payouts WHERE tenant = ? AND loan = ?',
      this.tenant,
      request.loan,
    ))!.n;
    const yymm = new Date(now * 1000).toISOString().slice(2, 7).replace('-', '');
    const number = String(shown).padStart(6, '0');
    // The answer is made from the row as inserted (every column named, none left to a default),
    // not read back: on PostgreSQL the INSERT then travels with the COMMIT.
    const row: PayoutRow = {
      seq,
      id: randomUUID(),
      created_at: now,
      updated_at: now,
      type: request.type,
      ref_id: `PAY-LN${yymm}-${number}`,
      numeric_ref_id: `${yymm}${number}`,
      idx: index,
      amount: request.amount,
      method: request.method,
      status: 'pending',
      payout_service_id: null,
      processed_at: null,
      bank_date: null,
      date: null,
      failed_remark: null,
      reversed_at: null,
      utr: null,
      debit_bank_id: null,
      export_debit_bank_id: null,
      credit_bank_id: request.credit_bank_id,
      payout_to: request.payout_to,
      is_downloaded: 0,
      is_imported: 0,
      sent_to_gl: 0,
      account: request.account,
      topup: request.topup ?? null,
      loan: request.loan,
      record_id: null,
      transaction_id: null,
      version: 0,
      tenant: this.tenant,
    };
    await this.tx.run(INSERT_PAYOUT, ...PAYOUT_COLUMNS.map((column) => row[column]));
    return this.payout(row);
  }

  /** List Payouts (and, with `unmatched`, Unmatched Payouts): one page, filtered and ordered. */
  async page(query: ListQuery, options: PageOptions = {}): Promise<PayoutPage> {
    const filter = listFilter(this.tenant, query, options);
    const page = query.page ?? 1;
    const pageSize = query.page_size ?? DEFAULT_PAGE_SIZE;
    const offset = (page - 1) * pageSize;
    for (;;) {
      const version = await this.store.database.dataVersion();
      const wanted: PageWanted = { ...filter, ordering: query.ordering, pageSize, offset };
      const { count, versions } = version ? await this.keptCountPage(version, wanted) : await this.countedPage(wanted);
      // Undefined when another process moved one of the page's payouts in between: read it again,
      // so that a page never mixes two moments.
      const rendered = await this.renderedAt(versions);
      if (rendered === undefined) continue;
      if (options.expandRecord) {
        return { count, current_page: page, page_size: pageSize, results: await this.withRecords(rendered.map((r) => r.payout)) };
      }
      return renderedPage(count, page, pageSize, rendered);
    }
  }

  /**
   * A page where the database tells when a count may have changed (SQLite): the count kept while
   * it stands, and the page's ids and versions.
   */
  private async keptCountPage(
    version: string,
    { whereSql, args, ordering, pageSize, offset }: PageWanted,
  ): Promise<{ count: number; versions: RowVersion[] }> {
    const count = await this.store.counted(this.tx, whereSql, args, version);
    // Past the last page the answer is an empty page (as the spec says), without asking the
    // database for an offset it may not be able to represent.
    if (offset >= count) return { count, versions: [] };
    // `LIMIT (? + 0)`, not `LIMIT ?`: SQLite's planner reads a bare LIMIT parameter's value, and a
    // statement whose plan read a parameter is prepared again every time that parameter is bound,
    // which was a fifth of a List's CPU. The index walk the ORDER BY names is the plan either way.
    const versions = await this.tx.all<RowVersion>(
      `SELECT id, version FROM payouts ${whereSql} ORDER BY ${orderBy(ordering)} LIMIT (? + 0) OFFSET ?`,
      ...args,
      pageSize,
      offset,
    );
    return { count, versions };
  }

  /**
   * A page where the database cannot tell when a count may have changed (PostgreSQL, which other
   * processes change): the page's ids and versions and its count in one statement, so they agree
   * without a transaction around them. Only a page past the last has no row to carry the count,
   * and counts again.
   *
   * Where only a Create Payout can change what the filter matches, the statement also reads how
   * many payouts the tenant has numbered (its `payouts` sequence, which every create moves in its
   * own transaction), and counts only when that number is not the one a kept count was made at:
   * a List of those filters does not count again until a payout is created.
   */
  private async countedPage({
    whereSql,
    args,
    ordering,
    pageSize,
    offset,
    changesOnlyWithCreates,
  }: PageWanted): Promise<{ count: number; versions: RowVersion[] }> {
    const kept = changesOnlyWithCreates ? this.store.keptCount(whereSql, args) : undefined;
    // The count is an uncorrelated subquery (computed once, and only when its CASE needs it), the
    // page an index walk that stops at its last row; a window count over the rows would sort every
    // matching row instead.
    const counted = `(SELECT count(*) FROM payouts ${whereSql})`;
    const numbered = "(SELECT next FROM tenant_sequences WHERE tenant = ? AND name = 'payouts')";
    const columns = changesOnlyWithCreates
      ? `${numbered} AS numbered, CASE WHEN ${numbered} = ? THEN NULL ELSE ${counted} END AS total`
      : `${counted} AS total`;
    const rows = await this.tx.all<RowVersion & { total: number | null; numbered?: number | null }>(
      `SELECT page.id, page.version, ${columns}
       FROM (SELECT id, version, seq, ${orderColumn(ordering)} FROM payouts ${whereSql} ORDER BY ${orderBy(ordering)} LIMIT ? OFFSET ?) AS page
       ORDER BY ${orderBy(ordering)}`,
      ...(changesOnlyWithCreates ? [this.tenant, this.tenant, kept?.version ?? null] : []),
      ...args,
      ...args,
      pageSize,
      offset,
    );
    const [first] = rows;
    if (first === undefined) {
      return { count: offset === 0 ? 0 : await this.store.counted(this.tx, whereSql, args, undefined), versions: rows };
    }
    if (first.total === null) return { count: kept!.n, versions: rows };
    if (changesOnlyWithCreates && first.numbered != null) this.store.keepCount(whereSql, args, first.numbered, first.total);
    return { count: first.total, versions: rows };
  }

  /**
   * The payouts at these versions, in order: rendered ones from the cache, the others read in one
   * statement. Undefined when one of them has moved past its version since.
   */
  private async renderedAt(versions: RowVersion[]): Promise<Rendered[] | undefined> {
    const cached = versions.map(({ id, version }) => this.store.rendered.at(id, version));
    const missing = versions.filter((_, i) => cached[i] === undefined).map(({ id }) => id);
    const rows =
      missing.length === 0
        ? []
        : await this.tx.all<PayoutRow>(
            `SELECT * FROM payouts WHERE tenant = ? AND id IN (${missing.map(() => '?').join(', ')})`,
            this.tenant,
            ...missing,
          );
    const byId = new Map(rows.map((row) => [row.id, row]));
    const rendered: Rendered[] = [];
    for (const [i, { id, version }] of versions.entries()) {
      const kept = cached[i];
      if (kept !== undefined) {
        rendered.push(kept);
        continue;
      }
      const row = byId.get(id);
      if (row?.version !== version) return undefined;
      rendered.push(await this.render(row));
    }
    return rendered;
  }

  /** Export Payout for Bank: the bank file; every payout in it becomes initiated. */
  async exportForBank(request: ExportPayoutsRequest): Promise<BankFile> {
    const bank = await this.store.debitBank(this.tx, request.debit_bank_id);
    if (!bank) throw Refusal.notFound(`No DebitBank matches ${request.debit_bank_id}.`);
    let rows: PayoutRow[];
    if (request.payout_ids) {
      rows = [];
      for (const id of request.payout_ids) {
        const row = await this.row(id, this.dialect.forUpdate);
        if (!row) throw Refusal.notFound(`No Payout matches ${id}.`);
        if (row.status !== 'pending') throw Refusal.conflict(`Payout ${id} is ${row.status}; only pending payouts can be exported.`);
        rows.push(row);
      }
    } else {
      rows = await this.tx.all<PayoutRow>(
        `SELECT * FROM payouts WHERE tenant = ? AND status = 'pending' AND is_downloaded = 0 ORDER BY created_at, seq LIMIT ${EXPORT_BATCH}${this.dialect.forUpdate}`,
        this.tenant,
      );
    }
    const now = this.store.clock();
    const lines: BankFileLine[] = [];
    const payouts: Payout[] = [];
    for (const row of rows) {
      const seq = (await this.tx.get<{ next: number }>(this.dialect.nextSeq('export_lines')))!.next;
      // The tenant's own line number keeps each of its references unique, also for a payout exported again after a retry.
      const reference = exportReference(bank, row.method, now, await this.nextNumber('export_lines'), this.tenant);
      await this.tx.run(
        'INSERT INTO export_lines (seq, reference, payout_id, debit_bank_id, exported_at, tenant) VALUES (?, ?, ?, ?, ?, ?)',
        seq,
        reference,
        row.id,
        bank.id,
        now,
        this.tenant,
      );
      const exported = (await this.tx.get<PayoutRow>(
        `UPDATE payouts SET status = 'initiated', is_downloaded = 1, payout_service_id = ?, export_debit_bank_id = ?, updated_at = ?,
           version = version + 1
         WHERE id = ? RETURNING *`,
        reference,
        bank.id,
        now,
        row.id,
      ))!;
      payouts.push(await this.payout(exported));
      lines.push({
        payoutId: row.id,
        reference,
        amount: row.amount,
        method: row.method,
        beneficiary: (await this.store.creditBank(this.tx, row.credit_bank_id))!,
      });
    }
    this.exported.push(...payouts);
    return { csv: bankFileCsv(bank, lines), fileName: bankFileName(bank, now), payouts };
  }

  /** Process Payout: the bank paid an initiated payout. */
  async markProcessed(id: string, request: ProcessPayoutRequest): Promise<Payout> {
    const row = await this.existing(id);
    const bank = await this.store.debitBank(this.tx, request.debit_bank_id);
    if (!bank) throw Refusal.field('debit_bank_id', `Invalid pk "${request.debit_bank_id}" - object does not exist.`);
    if (request.debit_bank_account_no !== undefined && request.debit_bank_account_no !== bank.account_no) {
      throw Refusal.field('debit_bank_account_no', `Does not match the account number of debit bank ${bank.id}.`);
    }
    if (row.status !== 'initiated') throw Refusal.conflict(`Payout is ${row.status}; only an initiated payout can be marked processed.`);
    return this.payout(await this.applyProcessed(row, request.utr, request.processed_at, bank.id, row.payout_service_id!));
  }

  /** Payout Callback: the payout service's outcome, applied once. */
  async callback(request: PayoutCallback): Promise<Payout> {
    const reference = request.payout_service_id;
    // Every reference a payout was ever exported under stays its own: a retry exports it again
    // under a new one, and the bank may still pay, bounce or return the old one.
    const line = await this.tx.get<{ payout_id: string; debit_bank_id: string; reversed: 0 | 1 }>(
      'SELECT payout_id, debit_bank_id, reversed FROM export_lines WHERE tenant = ? AND reference = ?',
      this.tenant,
      reference,
    );
    if (!line) throw Refusal.notFound(`No Payout has payout_service_id ${reference}.`);
    const row = (await this.row(line.payout_id, this.dialect.forUpdate))!;
    const current = row.payout_service_id;
    const now = this.store.clock();

    if (request.status === 'processed') {
      if (line.reversed === 1) {
        // The provider's success arriving again after its reversal: the payout stays as it is.
        if (row.status === 'reversed' && current === reference && request.utr === row.utr) return this.payout(row);
        throw Refusal.conflict(`Reference ${reference} was reversed: the bank returned that transfer, so it cannot pay payout ${row.id}.`);
      }
      if (row.status === 'processed') {
        if (current !== reference) {
          throw Refusal.conflict(
            `Payout ${row.id} was already paid under reference ${current}; a success for ${reference} means it was paid twice. Reverse one of them with the bank.`,
          );
        }
        if (request.utr !== row.utr) {
          throw Refusal.conflict(`Payout is processed with utr ${row.utr}; a callback with utr ${request.utr} cannot change it.`);
        }
        return this.payout(row); // the same outcome again: nothing changes
      }
      if (current === reference && (row.status === 'failed' || row.status === 'reversed')) {
        throw Refusal.conflict(`Payout is ${row.status} under reference ${reference}; a success for the same reference contradicts it.`);
      }
      // Initiated under this reference, or a late success for an earlier one: the bank paid it.
      return this.payout(
        await this.applyProcessed(row, request.utr, request.processed_at ?? Math.floor(now), line.debit_bank_id, reference),
      );
    }

    if (current !== reference) {
      throw Refusal.conflict(
        `Reference ${reference} is not payout ${row.id}'s current one (${current ?? 'none: it awaits export'}); its ${request.status === 'failed' ? 'failure' : 'reversal'} changes nothing.`,
      );
    }
    if (request.status === 'reversed') {
      if (row.status === 'reversed') return this.payout(row); // the same outcome again: nothing changes
      if (row.status !== 'processed') throw Refusal.conflict(`Payout is ${row.status}; only a processed payout can be reversed.`);
      await this.tx.run('UPDATE export_lines SET reversed = 1 WHERE tenant = ? AND reference = ?', this.tenant, reference);
      return this.payout(
        await this.move(
          row,
          { status: 'reversed', failed_remark: request.remark, reversed_at: request.reversed_at ?? Math.floor(now) },
          now,
        ),
      );
    }
    if (row.status === 'initiated')
      return this.payout(await this.move(row, { status: 'failed', failed_remark: request.failed_remark }, now));
    if (row.status === 'failed') return this.payout(row); // the same outcome again: nothing changes
    throw Refusal.conflict(`Payout is ${row.status}; a failed callback cannot change it.`);
  }

  /**
   * Retry Failed Payout: back to pending, ready for the next export. A reversed payout's money is
   * back with the lender, so it goes round again too, its returned transfer forgotten.
   */
  async retry(id: string): Promise<Payout> {
    const row = await this.existing(id);
    if (row.status !== 'failed' && row.status !== 'reversed')
      throw Refusal.conflict(`Payout is ${row.status}; only a failed or reversed payout can be retried.`);
    return this.payout(
      await this.move(row, {
        status: 'pending',
        failed_remark: null,
        payout_service_id: null,
        export_debit_bank_id: null,
        utr: null,
        processed_at: null,
        date: null,
        bank_date: null,
        debit_bank_id: null,
        reversed_at: null,
        record_id: null,
        transaction_id: null,
        sent_to_gl: 0,
        is_downloaded: 0,
      }),
    );
  }

  /** Marks a processed payout as matched to a bank statement line (no API operation does this). */
  async match(id: string, transactionId: string): Promise<void> {
    const row = await this.existing(id);
    if (row.status !== 'processed') throw Refusal.conflict(`Payout is ${row.status}; only a processed payout can be matched.`);
    await this.tx.run(
      'UPDATE payouts SET transaction_id = ?, updated_at = ?, version = version + 1 WHERE id = ?',
      transactionId,
      this.store.clock(),
      id,
    );
  }

  async count(): Promise<number> {
    return (await this.tx.get<{ n: number }>('SELECT count(*) AS n FROM payouts WHERE tenant = ?', this.tenant))!.n;
  }

  /** One payout of this tenant; an id it does not have is a 404. */
  async payoutOf(id: string): Promise<Payout> {
    const row = await this.row(id);
    if (!row) throw NOT_FOUND();
    return this.payout(row);
  }

  // ---- internals ---------------------------------------------------------------------------

  /** The next number of this tenant's own sequence. */
  private async nextNumber(sequence: 'payouts' | 'export_lines'): Promise<number> {
    return (await this.tx.get<{ next: number }>(NEXT_TENANT_NUMBER, this.tenant, sequence))!.next;
  }

  /** Pays a payout under one of its references (the one it was paid under becomes its own again); answers the row as paid. */
  private async applyProcessed(
    row: PayoutRow,
    utr: string,
    processedAt: number,
    debitBankId: string,
    reference: string,
  ): Promise<PayoutRow> {
    const now = this.store.clock();
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
    await this.tx.run(
      'INSERT INTO records (id, payout_id, document, tenant) VALUES (?, ?, ?, ?)',
      record.id,
      row.id,
      JSON.stringify(record),
      this.tenant,
    );
    return this.move(
      row,
      {
        status: 'processed',
        utr,
        processed_at: processedAt,
        date: processedAt,
        bank_date: processedAt,
        debit_bank_id: debitBankId,
        record_id: record.id,
        sent_to_gl: 1,
        payout_service_id: reference,
        is_downloaded: 1,
        failed_remark: null,
      },
      now,
    );
  }

  /** Copies of the payouts with each record id replaced by the record (cached payouts stay as they are). */
  private async withRecords(payouts: Payout[]): Promise<Payout[]> {
    const ids = payouts.map((p) => p.record).filter((r): r is string => typeof r === 'string');
    if (ids.length === 0) return payouts;
    const rows = await this.tx.all<{ id: string; document: string }>(
      `SELECT id, document FROM records WHERE id IN (${ids.map(() => '?').join(',')})`,
      ...ids,
    );
    const byId = new Map(rows.map((r) => [r.id, JSON.parse(r.document) as ExpandedRecord]));
    return payouts.map((p) => (typeof p.record === 'string' && byId.has(p.record) ? { ...p, record: byId.get(p.record)! } : p));
  }

  /** The tenant's payout with this id; another tenant's is as absent as one that never was. */
  private row(id: string, lock = ''): Promise<PayoutRow | undefined> {
    return this.tx.get<PayoutRow>(`SELECT * FROM payouts WHERE tenant = ? AND id = ?${lock}`, this.tenant, id);
  }

  /**
   * Moves a payout this change read locked (`existing`, or a read FOR UPDATE): sets `changes`, the
   * time and the next version, and answers the row as that UPDATE leaves it, made here from the
   * locked row and the same changes. So nothing waits on the UPDATE's answer, and on PostgreSQL
   * it travels with the transaction's next statement or its COMMIT: a Process Payout is two round
   * trips, not three.
   */
  private async move(
    row: PayoutRow,
    changes: Partial<Omit<PayoutRow, 'updated_at' | 'version'>>,
    now = this.store.clock(),
  ): Promise<PayoutRow> {
    const columns = Object.keys(changes) as (keyof typeof changes)[];
    await this.tx.run(
      `UPDATE payouts SET ${columns.map((column) => `${column} = ?`).join(', ')}, updated_at = ?, version = version + 1 WHERE id = ?`,
      ...columns.map((column) => changes[column]),
      now,
      row.id,
    );
    return { ...row, ...changes, updated_at: now, version: row.version + 1 };
  }

  /** A payout this change will move: locked until the change commits where the database has row locks. */
  private async existing(id: string): Promise<PayoutRow> {
    const row = await this.row(id, this.dialect.forUpdate);
    if (!row) throw NOT_FOUND();
    return row;
  }

  private async payout(row: PayoutRow): Promise<Payout> {
    return (await this.render(row)).payout;
  }

  private async render(row: PayoutRow): Promise<Rendered> {
    const debitBank = row.debit_bank_id === null ? null : (await this.store.debitBank(this.tx, row.debit_bank_id))!;
    const creditBank = (await this.store.creditBank(this.tx, row.credit_bank_id))!;
    const build = () => toPayout(row, debitBank, creditBank);
    return this.caching ? this.store.rendered.get(row.id, row.version, build) : RenderCache.render(row.version, build);
  }
}

function toPayout(row: PayoutRow, debitBank: DebitBank | null, creditBank: CreditBank): Payout {
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
    reversed_at: row.reversed_at,
    utr: row.utr,
    debit_bank: debitBank,
    credit_bank: creditBank,
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

async function cached<T>(cache: Map<string, T>, id: string, read: () => Promise<unknown>): Promise<T | undefined> {
  let value = cache.get(id);
  if (value === undefined) {
    const row = (await read()) as { document: string } | undefined;
    if (!row) return undefined;
    value = JSON.parse(row.document) as T;
    cache.set(id, value);
  }
  return value;
}

/** A kept count of a list filter, and the version of the payouts it counted (see counted, countedPage). */
interface KeptCount {
  version: string | number;
  n: number;
}

const countKey = (whereSql: string, args: unknown[]) => `${whereSql}\u0000${JSON.stringify(args)}`;
