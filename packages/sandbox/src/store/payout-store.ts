// The payouts and their lifecycle: which operation may move a payout from which status, and what
// it writes. Every change runs in one IMMEDIATE transaction (group-commit.ts) that reads the payout
// and writes it under the write lock, so two requests racing to move the same payout (in this
// process or another one on the same file) leave exactly one winner; the other sees the new status
// and gets its 409.
import { randomUUID } from 'node:crypto';
import type { Db, Statement } from '../db.js';
import { Problem } from '../problem.js';
import type { CreditBank, DebitBank, ExpandedRecord, Payout, PayoutPage, PayoutStatus, RequestBody } from '../types.js';
import { type BankFile, type BankFileLine, bankFileCsv, bankFileName, exportReference } from './bank-file.js';
import { GroupCommit } from './group-commit.js';
import { KEY_TTL_SECONDS, type KeyedRequest, keyedRequestHash, type RecordedAnswer, requestHash } from './idempotency.js';
import { type ListQuery, listFilter, orderBy } from './list-query.js';
import { RenderCache, type Rendered, renderedPage } from './render-cache.js';

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

// Requests arrive with the spec's defaults filled in by validation; this serves direct calls.
const DEFAULT_PAGE_SIZE = 15;

export class PayoutStore {
  private readonly statements = new Map<string, Statement>();
  private readonly debitBanks = new Map<string, DebitBank>();
  private readonly creditBanks = new Map<string, CreditBank>();
  private readonly rendered = new RenderCache();
  private readonly batches: GroupCommit;

  constructor(
    readonly db: Db,
    private readonly clock: () => number = () => Date.now() / 1000,
  ) {
    this.batches = new GroupCommit(db, () => this.rendered.clear());
  }

  // ---- banks -------------------------------------------------------------------------------

  /** Adds the banks that are not there yet (by id); known ones are left as they are. */
  seedBanks(debit: DebitBank[], credit: CreditBank[]): void {
    this.db.transaction(() => {
      for (const bank of debit) {
        this.sql('INSERT OR IGNORE INTO debit_banks (id, account_no, ifsc, document) VALUES (?, ?, ?, ?)').run(
          bank.id,
          bank.account_no,
          bank.ifsc,
          JSON.stringify(bank),
        );
      }
      for (const bank of credit)
        this.sql('INSERT OR IGNORE INTO credit_banks (id, document) VALUES (?, ?)').run(bank.id, JSON.stringify(bank));
    }, 'immediate');
  }

  /** Banks never change once stored, so each is read from the database once. */
  debitBank(id: string): DebitBank | undefined {
    return cached(this.debitBanks, id, () => this.sql('SELECT document FROM debit_banks WHERE id = ?').get(id));
  }

  creditBank(id: string): CreditBank | undefined {
    return cached(this.creditBanks, id, () => this.sql('SELECT document FROM credit_banks WHERE id = ?').get(id));
  }

  // ---- how the HTTP side runs an operation -------------------------------------------------

  /** Runs a read (a list) against what is committed, and what the open batch has written. */
  read<T>(query: () => T): Promise<T> {
    return this.batches.read(query);
  }

  /**
   * Runs one state-changing operation, its change and the answer built from it, in a write. A
   * refusal (a Problem) is an answer too. With an Idempotency-Key the answer is recorded in the
   * same transaction as the change, so a repeat gets the first answer and changes nothing, and a
   * crash leaves both or neither.
   */
  answer(run: () => RecordedAnswer, keyed?: KeyedRequest): Promise<RecordedAnswer> {
    return this.batches.write(() => {
      if (!keyed) return this.answerOf(run);
      const now = this.clock();
      const hash = keyedRequestHash(keyed);
      const seen = this.sql('SELECT * FROM idempotent_answers WHERE key = ?').get(keyed.key) as AnswerRow | undefined;
      if (seen && seen.created_at > now - KEY_TTL_SECONDS) {
        // Create Payout's keys from before schema 3 hashed the body alone, and answer the payout as it is.
        const legacy = seen.content_type === LEGACY_PAYOUT;
        const same = legacy
          ? seen.request_hash === `createPayout:${requestHash(keyed.body)}` && keyed.operationId === 'createPayout'
          : seen.request_hash === hash;
        if (!same)
          throw Problem.conflict(`Idempotency-Key ${keyed.key} was used with another request (another body, payout or operation).`);
        if (legacy) return { status: 201, body: this.payout(this.row(seen.body)!) };
        return {
          status: seen.status,
          contentType: seen.content_type,
          headers: JSON.parse(seen.headers),
          body: seen.content_type === 'application/json' ? JSON.parse(seen.body) : seen.body,
        };
      }
      if (seen) this.sql('DELETE FROM idempotent_answers WHERE key = ?').run(keyed.key);
      const answer = this.answerOf(run);
      const contentType = answer.contentType ?? 'application/json';
      const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      this.sql(
        'INSERT INTO idempotent_answers (key, request_hash, status, content_type, headers, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(keyed.key, hash, answer.status, contentType, JSON.stringify(answer.headers ?? {}), body, now);
      // Forgetting expired keys a few at a time keeps every write short.
      this.sql('DELETE FROM idempotent_answers WHERE rowid IN (SELECT rowid FROM idempotent_answers WHERE created_at < ? LIMIT 100)').run(
        now - KEY_TTL_SECONDS,
      );
      return { ...answer, contentType };
    });
  }

  /** The change's answer, or the refusal it made as an answer; a refused change leaves nothing behind. */
  private answerOf(run: () => RecordedAnswer): RecordedAnswer {
    try {
      return this.db.transaction(run);
    } catch (error) {
      if (error instanceof Problem) return { status: error.status, body: error.body };
      throw error;
    }
  }

  // ---- the seven operations ----------------------------------------------------------------

  /** Create Payout: a new pending payout. */
  create(request: CreatePayoutRequest): Promise<Payout> {
    return this.batches.write(() => this.createNow(request));
  }

  createNow(request: CreatePayoutRequest): Payout {
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
    return this.payout(this.row(id)!);
  }

  /** List Payouts (and, with `unmatched`, Unmatched Payouts): one page, filtered and ordered. */
  list(query: ListQuery, options: { unmatched?: boolean; expandRecord?: boolean } = {}): Promise<PayoutPage> {
    return this.batches.read(() => this.pageNow(query, options));
  }

  pageNow(query: ListQuery, options: { unmatched?: boolean; expandRecord?: boolean } = {}): PayoutPage {
    const { whereSql, args } = listFilter(query, options);
    const page = query.page ?? 1;
    const pageSize = query.page_size ?? DEFAULT_PAGE_SIZE;
    const count = (this.sql(`SELECT count(*) AS n FROM payouts ${whereSql}`).get(...args) as { n: number }).n;
    const offset = (page - 1) * pageSize;
    let versions: { id: string; version: number }[] = [];
    // Past the last page the answer is an empty page (as the spec says), without asking SQLite for
    // an offset it may not be able to represent.
    if (offset < count) {
      versions = this.sql(`SELECT id, version FROM payouts ${whereSql} ORDER BY ${orderBy(query.ordering)} LIMIT ? OFFSET ?`).all(
        ...args,
        pageSize,
        offset,
      ) as { id: string; version: number }[];
    }
    const rendered = versions.map(({ id, version }) => this.cachedRender(id, version));
    if (options.expandRecord) {
      return { count, current_page: page, page_size: pageSize, results: this.withRecords(rendered.map((r) => r.payout)) };
    }
    return renderedPage(count, page, pageSize, rendered);
  }

  /** Export Payout for Bank: the bank file; every payout in it becomes initiated. */
  exportForBank(request: ExportPayoutsRequest): Promise<BankFile> {
    return this.batches.write(() => this.exportForBankNow(request));
  }

  exportForBankNow(request: ExportPayoutsRequest): BankFile {
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
    let lineNumber = (this.sql('SELECT coalesce(max(seq), 0) AS last FROM export_lines').get() as { last: number }).last;
    const lines: BankFileLine[] = [];
    for (const row of rows) {
      lineNumber += 1;
      // The export line's number keeps every reference unique, also for a payout exported again after a retry.
      const reference = exportReference(bank, row.method, now, lineNumber);
      this.sql('INSERT INTO export_lines (seq, reference, payout_id, debit_bank_id, exported_at) VALUES (?, ?, ?, ?, ?)').run(
        lineNumber,
        reference,
        row.id,
        bank.id,
        now,
      );
      this.sql(
        `UPDATE payouts SET status = 'initiated', is_downloaded = 1, payout_service_id = ?, export_debit_bank_id = ?, updated_at = ?
         WHERE id = ?`,
      ).run(reference, bank.id, now, row.id);
      lines.push({
        payoutId: row.id,
        reference,
        amount: row.amount,
        method: row.method,
        beneficiary: this.creditBank(row.credit_bank_id)!,
      });
    }
    return {
      csv: bankFileCsv(bank, lines),
      fileName: bankFileName(bank, now),
      payouts: rows.map((row) => this.payout(this.row(row.id)!)),
    };
  }

  /** Process Payout: the bank paid an initiated payout. */
  markProcessed(id: string, request: ProcessPayoutRequest): Promise<Payout> {
    return this.batches.write(() => this.markProcessedNow(id, request));
  }

  markProcessedNow(id: string, request: ProcessPayoutRequest): Payout {
    const row = this.existing(id);
    const bank = this.debitBank(request.debit_bank_id);
    if (!bank) throw Problem.field('debit_bank_id', `Invalid pk "${request.debit_bank_id}" - object does not exist.`);
    if (request.debit_bank_account_no !== undefined && request.debit_bank_account_no !== bank.account_no) {
      throw Problem.field('debit_bank_account_no', `Does not match the account number of debit bank ${bank.id}.`);
    }
    if (row.status !== 'initiated') throw Problem.conflict(`Payout is ${row.status}; only an initiated payout can be marked processed.`);
    this.applyProcessed(row, request.utr, request.processed_at, bank.id, row.payout_service_id!);
    return this.payout(this.row(id)!);
  }

  /** Payout Callback: the payout service's outcome, applied once. */
  callback(request: PayoutCallback): Promise<Payout> {
    return this.batches.write(() => this.callbackNow(request));
  }

  callbackNow(request: PayoutCallback): Payout {
    const reference = request.payout_service_id;
    // Every reference a payout was ever exported under stays its own: a retry exports it again
    // under a new one, and the bank may still pay (or bounce) the old one.
    const line = this.sql('SELECT payout_id, debit_bank_id FROM export_lines WHERE reference = ?').get(reference) as
      | { payout_id: string; debit_bank_id: string }
      | undefined;
    if (!line) throw Problem.notFound(`No Payout has payout_service_id ${reference}.`);
    const row = this.row(line.payout_id)!;
    const current = row.payout_service_id;
    const now = this.clock();

    if (request.status === 'processed') {
      if (row.status === 'processed') {
        if (current !== reference) {
          throw Problem.conflict(
            `Payout ${row.id} was already paid under reference ${current}; a success for ${reference} means it was paid twice. Reverse one of them with the bank.`,
          );
        }
        if (request.utr !== row.utr) {
          throw Problem.conflict(`Payout is processed with utr ${row.utr}; a callback with utr ${request.utr} cannot change it.`);
        }
        return this.payout(row); // the same outcome again: nothing changes
      }
      if (row.status === 'failed' && current === reference) {
        throw Problem.conflict(`Payout is failed under reference ${reference}; a success for the same reference contradicts it.`);
      }
      // Initiated under this reference, or a late success for an earlier one: the bank paid it.
      this.applyProcessed(row, request.utr, request.processed_at ?? Math.floor(now), line.debit_bank_id, reference);
      return this.payout(this.row(row.id)!);
    }

    if (current !== reference) {
      throw Problem.conflict(
        `Reference ${reference} is not payout ${row.id}'s current one (${current ?? 'none: it awaits export'}); its failure changes nothing.`,
      );
    }
    if (row.status === 'initiated') {
      this.sql("UPDATE payouts SET status = 'failed', failed_remark = ?, updated_at = ? WHERE id = ?").run(
        request.failed_remark,
        now,
        row.id,
      );
      return this.payout(this.row(row.id)!);
    }
    if (row.status === 'failed') return this.payout(row); // the same outcome again: nothing changes
    throw Problem.conflict(`Payout is ${row.status}; a failed callback cannot change it.`);
  }

  /** Retry Failed Payout: back to pending, ready for the next export. */
  retry(id: string): Promise<Payout> {
    return this.batches.write(() => this.retryNow(id));
  }

  retryNow(id: string): Payout {
    const row = this.existing(id);
    if (row.status !== 'failed') throw Problem.conflict(`Payout is ${row.status}; only a failed payout can be retried.`);
    this.sql(
      `UPDATE payouts SET status = 'pending', failed_remark = NULL, payout_service_id = NULL, export_debit_bank_id = NULL,
         is_downloaded = 0, updated_at = ? WHERE id = ?`,
    ).run(this.clock(), id);
    return this.payout(this.row(id)!);
  }

  /** Marks a processed payout as matched to a bank statement line (no API operation does this). */
  match(id: string, transactionId: string): Promise<void> {
    return this.batches.write(() => {
      const row = this.existing(id);
      if (row.status !== 'processed') throw Problem.conflict(`Payout is ${row.status}; only a processed payout can be matched.`);
      this.sql('UPDATE payouts SET transaction_id = ?, updated_at = ? WHERE id = ?').run(transactionId, this.clock(), id);
    });
  }

  count(): number {
    return (this.sql('SELECT count(*) AS n FROM payouts').get() as { n: number }).n;
  }

  // ---- internals ---------------------------------------------------------------------------

  /** Pays a payout under one of its references (the one it was paid under becomes its own again). */
  private applyProcessed(row: PayoutRow, utr: string, processedAt: number, debitBankId: string, reference: string): void {
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
         record_id = ?, sent_to_gl = 1, payout_service_id = ?, is_downloaded = 1, failed_remark = NULL, updated_at = ?
       WHERE id = ?`,
    ).run(utr, processedAt, processedAt, processedAt, debitBankId, record.id, reference, now, row.id);
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

  /** Commits what is pending and closes the database. */
  close(): void {
    this.batches.commit();
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
    return this.rendered.at(id, version) ?? this.render(this.row(id)!);
  }

  private render(row: PayoutRow): Rendered {
    return this.rendered.get(row.id, row.version, () => this.toPayout(row));
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
