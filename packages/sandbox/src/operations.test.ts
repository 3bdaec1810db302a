// Every operation and its error paths, over real HTTP against a sandbox on a real SQLite file.
// Response validation is on (the default): an answer that broke the spec would be a 500, and the
// sandbox's report of it fails the test in dispose().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newDb, STORES } from './test-support/stores.js';
import {
  CREDIT_BANK,
  DEBIT_BANK,
  failedPayout,
  initiatedPayout,
  newPayout,
  payout,
  startTestSandbox,
  type TestSandbox,
} from './testing.js';
import type { Payout, PayoutPage } from './types.js';

const PAYOUTS = '/v1/lms/payouts/';
const EXPORT = '/v1/lms/payouts/export/';
const CALLBACK = '/v1/lms/payouts/callback/';
const UNMATCHED = '/v1/lms/payouts/unmatched/';
const processPath = (id: string) => `/v1/lms/payouts/${id}/mark_processed/`;
const retryPath = (id: string) => `/v1/lms/payouts/${id}/retry/`;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const UPSTREAM_PROCESS_BODY = { utr: '123123123123123', processed_at: 1693161000, debit_bank_id: DEBIT_BANK };

let sandbox: TestSandbox;

describe.each(STORES)('the operations (%s)', (kind) => {
  beforeAll(async () => {
    sandbox = await startTestSandbox({ db: await newDb(kind) });
  });

  afterAll(async () => {
    await sandbox?.dispose();
  });

  describe('Create Payout', () => {
    it('creates a pending payout with its credit bank and no utr', async () => {
      const body = newPayout({ type: 'topup', topup: '2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901', method: 'imps', payout_to: 'merchant' });
      const created = await sandbox.call<Payout>('POST', PAYOUTS, { body });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        status: 'pending',
        loan: body.loan,
        account: body.account,
        topup: body.topup,
        type: 'topup',
        amount: body.amount,
        method: 'imps',
        payout_to: 'merchant',
        index: 0,
        utr: null,
        processed_at: null,
        debit_bank: null,
        payout_service_id: null,
        is_downloaded: false,
        record: null,
        transaction: null,
      });
      expect(created.body.credit_bank.id).toBe(CREDIT_BANK);
      expect(created.body.ref_id).toMatch(/^PAY-LN\d{4}-\d{6}$/);
      expect(created.body.numeric_ref_id).toMatch(/^\d{10}$/);
      expect(created.body.created_at).toBeCloseTo(Date.now() / 1000, -1);
    });

    it('numbers the payouts of one loan from 0', async () => {
      const first = newPayout();
      const second = await sandbox.call<Payout>('POST', PAYOUTS, { body: { ...newPayout(), loan: first.loan } });
      const third = await sandbox.call<Payout>('POST', PAYOUTS, { body: { ...newPayout(), loan: first.loan } });
      expect([second.body.index, third.body.index]).toEqual([0, 1]);
    });

    it('answers the first payout again for a repeated Idempotency-Key and body, in any key order', async () => {
      const body = newPayout();
      const key = 'retry-safe-1';
      const first = await sandbox.call<Payout>('POST', PAYOUTS, { body, headers: { 'Idempotency-Key': key } });
      const reordered = Object.fromEntries(Object.entries(body).reverse());
      const again = await sandbox.call<Payout>('POST', PAYOUTS, { body: reordered, headers: { 'Idempotency-Key': key } });
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(first.body.id);
      const listed = await sandbox.call<PayoutPage>('GET', `${PAYOUTS}?loan=${body.loan}`);
      expect(listed.body.count).toBe(1);
    });

    it('refuses a repeated Idempotency-Key with another body (409)', async () => {
      const key = 'retry-safe-2';
      await sandbox.call('POST', PAYOUTS, { body: newPayout(), headers: { 'Idempotency-Key': key } });
      const other = await sandbox.call('POST', PAYOUTS, { body: newPayout(), headers: { 'Idempotency-Key': key } });
      expect(other.status).toBe(409);
      expect(other.body.detail).toBe(`Idempotency-Key ${key} was used with another request (another body, payout or operation).`);
    });

    it('names each invalid field (400)', async () => {
      const answer = await sandbox.call('POST', PAYOUTS, {
        body: { ...newPayout(), amount: 0, loan: 'not-a-uuid', method: 'swift', credit_bank_id: undefined, colour: 'red' },
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        amount: ['Ensure this value is greater than or equal to 1.'],
        loan: ['Must be a valid UUID.'],
        method: ['"swift" is not a valid choice. Choices: neft, rtgs, imps.'],
        credit_bank_id: ['This field is required.'],
        colour: ['Unknown field. Allowed fields: loan, account, topup, type, amount, method, payout_to, credit_bank_id.'],
      });
    });

    it('does not coerce JSON types: "5000" is not an integer', async () => {
      const answer = await sandbox.call('POST', PAYOUTS, { body: { ...newPayout(), amount: '5000' } });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ amount: ['A valid integer is required.'] });
    });

    it('refuses an unknown credit bank, naming the field (400)', async () => {
      const answer = await sandbox.call('POST', PAYOUTS, { body: newPayout({ credit_bank_id: UNKNOWN_ID }) });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ credit_bank_id: [`Invalid pk "${UNKNOWN_ID}" - object does not exist.`] });
    });

    it('answers 400 for malformed JSON, a body that is not an object or no body; 415 for another media type or charset', async () => {
      const malformed = await sandbox.call('POST', PAYOUTS, { raw: '{"amount": ', headers: { 'content-type': 'application/json' } });
      expect(malformed.status).toBe(400);
      expect(malformed.body.non_field_errors[0]).toMatch(/^JSON parse error - /);
      const list = await sandbox.call('POST', PAYOUTS, { body: [newPayout()] });
      expect(list.body).toEqual({ non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
      const none = await sandbox.call('POST', PAYOUTS);
      expect(none.status).toBe(400);
      expect(none.body.credit_bank_id).toEqual(['This field is required.']);
      const text = await sandbox.call('POST', PAYOUTS, { raw: 'amount=5', headers: { 'content-type': 'text/plain' } });
      expect(text.status).toBe(415);
      expect(text.body).toEqual({ detail: 'Unsupported media type "text/plain" in request; send application/json.' });
      const utf16 = await sandbox.call('POST', PAYOUTS, {
        raw: Buffer.from(JSON.stringify(newPayout()), 'utf16le').toString('latin1'),
        headers: { 'content-type': 'application/json; charset=utf-16' },
      });
      expect(utf16.status).toBe(415);
      expect(utf16.body).toEqual({
        detail: 'Unsupported charset "utf-16" in Content-Type "application/json; charset=utf-16"; send UTF-8.',
      });
      const utf8 = await sandbox.call('POST', PAYOUTS, {
        raw: JSON.stringify(newPayout()),
        headers: { 'content-type': 'application/json; charset=UTF-8' },
      });
      expect(utf8.status).toBe(201);
    });

    it('refuses an empty Idempotency-Key (400)', async () => {
      const answer = await sandbox.call('POST', PAYOUTS, { body: newPayout(), headers: { 'Idempotency-Key': '' } });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ 'Idempotency-Key': ['This field may not be blank.'] });
    });
  });

  describe('List Payouts', () => {
    let loan: string;
    let made: Payout[];

    beforeAll(async () => {
      // One loan's payouts in known states: two pending, one initiated, one processed, one failed.
      const first = newPayout({ amount: 500, method: 'rtgs', type: 'tranche' });
      loan = first.loan as string;
      const create = async (overrides: Record<string, unknown>) =>
        (await sandbox.call<Payout>('POST', PAYOUTS, { body: { ...newPayout(overrides), loan } })).body;
      made = [
        await create({ amount: 500, method: 'rtgs', type: 'tranche' }),
        await create({ amount: 300, payout_to: 'anchor', credit_bank_id: 'e2d4f6a8-1b3c-4d5e-9f70-8a9b0c1d2e3f' }),
        (await initiatedPayout(sandbox, { loan, amount: 700 })) as Payout,
        (await initiatedPayout(sandbox, { loan, amount: 100, type: 'refund', topup: null })) as Payout,
        (await failedPayout(sandbox, { loan, amount: 900, method: 'imps' })) as Payout,
      ];
      const processed = await sandbox.call<Payout>('PUT', processPath(made[3]!.id), {
        body: { ...UPSTREAM_PROCESS_BODY, utr: 'UTRLIST0001' },
      });
      made[3] = processed.body;
    });

    const list = async (query: string) => (await sandbox.call<PayoutPage>('GET', `${PAYOUTS}?loan=${loan}&${query}`)).body;
    const ids = (page: PayoutPage) => page.results.map((p) => p.id);

    it('lists newest first in the list envelope, 15 a page by default', async () => {
      const page = await list('');
      expect(page).toMatchObject({ count: 5, current_page: 1, page_size: 15 });
      expect(ids(page)).toEqual(made.map((p) => p.id).reverse());
    });

    it('filters by status, type, method, payout_to, is_downloaded and account', async () => {
      expect(ids(await list('status=pending'))).toEqual([made[1]!.id, made[0]!.id]);
      expect(ids(await list('status=processed'))).toEqual([made[3]!.id]);
      expect(ids(await list('status=failed'))).toEqual([made[4]!.id]);
      expect(ids(await list('type=tranche'))).toEqual([made[0]!.id]);
      expect(ids(await list('method=imps'))).toEqual([made[4]!.id]);
      expect(ids(await list('payout_to=anchor'))).toEqual([made[1]!.id]);
      expect((await list('is_downloaded=true')).count).toBe(3);
      expect((await list('is_downloaded=false')).count).toBe(2);
      expect(ids(await list(`account=${made[2]!.account}`))).toEqual([made[2]!.id]);
    });

    it('filters by topup', async () => {
      const body = newPayout({ type: 'topup', topup: '2b3c4d5e-6f70-4182-93a4-000000000042' });
      const created = await sandbox.call<Payout>('POST', PAYOUTS, { body });
      const page = (await sandbox.call<PayoutPage>('GET', `${PAYOUTS}?topup=${body.topup}`)).body;
      expect(ids(page)).toEqual([created.body.id]);
    });

    it('filters by created_at range, inclusive', async () => {
      const from = made[1]!.created_at;
      const to = made[3]!.created_at;
      const page = await list(`created_at__gte=${from}&created_at__lte=${to}&ordering=created_at`);
      expect(ids(page)).toEqual(made.slice(1, 4).map((p) => p.id));
    });

    it('searches ref_id and utr, case-insensitively', async () => {
      expect(ids(await list('search=utrlist'))).toEqual([made[3]!.id]);
      expect(ids(await list(`search=${made[0]!.ref_id.toLowerCase()}`))).toEqual([made[0]!.id]);
      expect((await list('search=%25')).count).toBe(0); // % is text, not a wildcard
    });

    it('orders by amount, created_at and processed_at, both ways', async () => {
      const byAmount = [...made].sort((a, b) => a.amount - b.amount).map((p) => p.id);
      expect(ids(await list('ordering=amount'))).toEqual(byAmount);
      expect(ids(await list('ordering=-amount'))).toEqual([...byAmount].reverse());
      expect(ids(await list('ordering=created_at'))).toEqual(made.map((p) => p.id));
      expect(ids(await list('ordering=processed_at'))[0]).toBe(made[3]!.id); // the only one processed; unpaid ones last
      expect(ids(await list('ordering=-processed_at'))[0]).toBe(made[3]!.id);
    });

    it('pages: page and page_size, an empty page past the last', async () => {
      const all = ids(await list('ordering=created_at'));
      const second = await list('ordering=created_at&page=2&page_size=2');
      expect(second).toMatchObject({ count: 5, current_page: 2, page_size: 2 });
      expect(ids(second)).toEqual(all.slice(2, 4));
      expect(ids(await list('ordering=created_at&page=3&page_size=2'))).toEqual(all.slice(4));
      const past = await list('page=4&page_size=2');
      expect(past).toMatchObject({ count: 5, current_page: 4, results: [] });
      expect((await list('page=1000000&page_size=100')).results).toEqual([]);
      const beyond = await sandbox.call('GET', `${PAYOUTS}?page=1000001`);
      expect(beyond.status).toBe(400);
      expect(beyond.body).toEqual({ page: ['Ensure this value is less than or equal to 1000000.'] });
    });

    it('expands the record with expand=record, and leaves it an id without', async () => {
      const plain = (await list('status=processed')).results[0]!;
      expect(typeof plain.record).toBe('string');
      const expanded = (await list('status=processed&expand=record')).results[0]!;
      expect(expanded.record).toMatchObject({ id: plain.record, payout: plain.id, amount: plain.amount, utr: 'UTRLIST0001' });
      expect((await list('status=pending&expand=record')).results.every((p) => p.record === null)).toBe(true);
    });

    it('names each invalid parameter (400)', async () => {
      const answer = await sandbox.call(
        'GET',
        `${PAYOUTS}?page=0&page_size=101&status=paid&loan=12&created_at__gte=yesterday&is_downloaded=maybe&ordering=utr&expand=loan`,
      );
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        page: ['Ensure this value is greater than or equal to 1.'],
        page_size: ['Ensure this value is less than or equal to 100.'],
        status: ['"paid" is not a valid choice. Choices: pending, initiated, processed, failed, reversed.'],
        loan: ['Must be a valid UUID.'],
        created_at__gte: ['A valid number is required.'],
        is_downloaded: ['Must be a valid boolean.'],
        ordering: ['"utr" is not a valid choice. Choices: created_at, -created_at, amount, -amount, processed_at, -processed_at.'],
        expand: ['"loan" is not a valid choice. Choices: record.'],
      });
      const twice = await sandbox.call('GET', `${PAYOUTS}?status=pending&status=failed`);
      expect(twice.body).toEqual({ status: ['Expected a single value, got 2.'] });
    });
  });

  describe('Export Payout for Bank', () => {
    it('answers the bank CSV and moves the payouts to initiated with their reference', async () => {
      const a = (await sandbox.call<Payout>('POST', PAYOUTS, { body: newPayout({ amount: 120000 }) })).body;
      const b = (await sandbox.call<Payout>('POST', PAYOUTS, { body: newPayout({ amount: 99, method: 'rtgs' }) })).body;
      const answer = await sandbox.call<string>('PUT', EXPORT, { body: { debit_bank_id: DEBIT_BANK, payout_ids: [a.id, b.id] } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="payouts-HDFC-\d{8}T\d{6}\.csv"$/);
      const lines = answer.body.split('\r\n');
      expect(lines[0]).toBe('payout_id,reference,amount,method,beneficiary_name,beneficiary_account_no,beneficiary_ifsc,debit_account_no');
      expect(lines.at(-1)).toBe(''); // CRLF after the last line too
      const rows = lines.slice(1, -1).map((line) => line.split(','));
      expect(rows.map((r) => r[0])).toEqual([a.id, b.id]);
      expect(rows[0]!.slice(2)).toEqual(['120000', 'neft', 'Ramesh Kumar', '123405001234', 'ICIC0001234', '50200012345678']);
      expect(rows[1]![1]).toMatch(/^HDFC-RTGS-\d{6}-\d{4}$/);
      for (const [id, reference] of rows.map((r) => [r[0]!, r[1]!] as const)) {
        const now = await payout(sandbox, id);
        expect(now).toMatchObject({ status: 'initiated', is_downloaded: true, payout_service_id: reference, debit_bank: null });
      }
    });

    it('without payout_ids exports every pending payout not yet downloaded; with none left, only the header', async () => {
      const pending = (await sandbox.call<Payout>('POST', PAYOUTS, { body: newPayout() })).body;
      const all = await sandbox.call<string>('PUT', EXPORT, { body: { debit_bank_id: DEBIT_BANK } });
      expect(all.status).toBe(200);
      expect(all.body).toContain(pending.id);
      const pendingLeft = (await sandbox.call<PayoutPage>('GET', `${PAYOUTS}?status=pending`)).body;
      expect(pendingLeft.count).toBe(0);
      const empty = await sandbox.call<string>('PUT', EXPORT, { body: { debit_bank_id: DEBIT_BANK } });
      expect(empty.body.split('\r\n')).toEqual([expect.stringMatching(/^payout_id,/), '']);
    });

    it('without payout_ids exports at most 500, oldest first: the next export has the rest', async () => {
      const made: string[] = [];
      for (let chunk = 0; chunk < 11; chunk++) {
        const answers = await Promise.all(Array.from({ length: 46 }, () => sandbox.call<Payout>('POST', PAYOUTS, { body: newPayout() })));
        made.push(...answers.map((a) => a.body.id));
      }
      const ids = (file: string) =>
        file
          .split('\r\n')
          .slice(1, -1)
          .map((line) => line.split(',')[0]);
      const oldest = (await sandbox.call<PayoutPage>('GET', `${PAYOUTS}?status=pending&ordering=created_at&page_size=1`)).body.results[0]!;
      const first = ids((await sandbox.call<string>('PUT', EXPORT, { body: { debit_bank_id: DEBIT_BANK } })).body);
      expect(first).toHaveLength(500);
      expect(first).toContain(oldest.id);
      const second = ids((await sandbox.call<string>('PUT', EXPORT, { body: { debit_bank_id: DEBIT_BANK } })).body);
      expect(second).toHaveLength(made.length - 500);
      expect(new Set([...first, ...second])).toEqual(new Set(made));
      expect(ids((await sandbox.call<string>('PUT', EXPORT, { body: { debit_bank_id: DEBIT_BANK } })).body)).toEqual([]);
    }, 60_000);

    it('quotes cells that hold commas (RFC 4180)', async () => {
      // The seeded dealer account's holder name has a comma in it.
      const created = (
        await sandbox.call<Payout>('POST', PAYOUTS, { body: newPayout({ credit_bank_id: '4a1c9e7b-3d5f-4e2a-b8c6-0d9e8f7a6b51' }) })
      ).body;
      const file = await sandbox.call<string>('PUT', EXPORT, { body: { debit_bank_id: DEBIT_BANK, payout_ids: [created.id] } });
      expect(file.body).toContain(',"Sharma Auto Parts, Dealer",');
    });

    it('404 for an unknown debit bank or payout, 409 for a payout that is not pending, and exports nothing then', async () => {
      const pending = (await sandbox.call<Payout>('POST', PAYOUTS, { body: newPayout() })).body;
      const initiated = await initiatedPayout(sandbox);
      const noBank = await sandbox.call('PUT', EXPORT, { body: { debit_bank_id: UNKNOWN_ID, payout_ids: [pending.id] } });
      expect(noBank.status).toBe(404);
      expect(noBank.body).toEqual({ detail: `No DebitBank matches ${UNKNOWN_ID}.` });
      const noPayout = await sandbox.call('PUT', EXPORT, { body: { debit_bank_id: DEBIT_BANK, payout_ids: [pending.id, UNKNOWN_ID] } });
      expect(noPayout.status).toBe(404);
      expect(noPayout.body).toEqual({ detail: `No Payout matches ${UNKNOWN_ID}.` });
      const notPending = await sandbox.call('PUT', EXPORT, { body: { debit_bank_id: DEBIT_BANK, payout_ids: [pending.id, initiated.id] } });
      expect(notPending.status).toBe(409);
      expect(notPending.body).toEqual({ detail: `Payout ${initiated.id} is initiated; only pending payouts can be exported.` });
      expect((await payout(sandbox, pending.id)).status).toBe('pending');
    });

    it('names invalid fields (400)', async () => {
      const answer = await sandbox.call('PUT', EXPORT, { body: { payout_ids: [] } });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ debit_bank_id: ['This field is required.'], payout_ids: ['This list may not be empty.'] });
      const items = await sandbox.call('PUT', EXPORT, { body: { debit_bank_id: DEBIT_BANK, payout_ids: [UNKNOWN_ID, 'x', UNKNOWN_ID] } });
      expect(items.body).toEqual({ payout_ids: ['item 1: Must be a valid UUID.', 'Items must be unique: items 0 and 2 are the same.'] });
    });
  });

  describe('Process Payout', () => {
    it("accepts the upstream page's curl body and sets utr, processed_at, the debit bank and the ledger record", async () => {
      const initiated = await initiatedPayout(sandbox);
      const answer = await sandbox.call<Payout>('PUT', processPath(initiated.id), { body: UPSTREAM_PROCESS_BODY });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        id: initiated.id,
        status: 'processed',
        utr: '123123123123123',
        processed_at: 1693161000,
        date: 1693161000,
        payout_service_id: initiated.payout_service_id,
        sent_to_gl: true,
        transaction: null,
      });
      expect(answer.body.debit_bank).toMatchObject({
        id: DEBIT_BANK,
        account_no: '50200012345678',
        ifsc: 'HDFC0000240',
        name_at_bank: null,
      });
      expect(answer.body.record).toEqual(expect.any(String));
      expect(answer.body.updated_at).toBeGreaterThan(initiated.updated_at);
    });

    it('checks debit_bank_account_no against the debit bank when it is given', async () => {
      const initiated = await initiatedPayout(sandbox);
      const wrong = await sandbox.call('PUT', processPath(initiated.id), {
        body: { ...UPSTREAM_PROCESS_BODY, debit_bank_account_no: '1' },
      });
      expect(wrong.status).toBe(400);
      expect(wrong.body).toEqual({ debit_bank_account_no: [`Does not match the account number of debit bank ${DEBIT_BANK}.`] });
      const right = await sandbox.call('PUT', processPath(initiated.id), {
        body: { ...UPSTREAM_PROCESS_BODY, debit_bank_account_no: '50200012345678' },
      });
      expect(right.status).toBe(200);
    });

    it('409 unless the payout is initiated', async () => {
      const pending = (await sandbox.call<Payout>('POST', PAYOUTS, { body: newPayout() })).body;
      const answer = await sandbox.call('PUT', processPath(pending.id), { body: UPSTREAM_PROCESS_BODY });
      expect(answer.status).toBe(409);
      expect(answer.body).toEqual({ detail: 'Payout is pending; only an initiated payout can be marked processed.' });
      const failed = await failedPayout(sandbox);
      expect((await sandbox.call('PUT', processPath(failed.id), { body: UPSTREAM_PROCESS_BODY })).status).toBe(409);
    });

    it('404 for an unknown id, 400 for a malformed one, 400 naming bad fields and an unknown debit bank', async () => {
      const unknown = await sandbox.call('PUT', processPath(UNKNOWN_ID), { body: UPSTREAM_PROCESS_BODY });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ detail: 'No Payout matches the given query.' });
      const malformed = await sandbox.call('PUT', processPath('bb572e48'), { body: UPSTREAM_PROCESS_BODY });
      expect(malformed.status).toBe(400);
      expect(malformed.body).toEqual({ id: ['Must be a valid UUID.'] });
      const initiated = await initiatedPayout(sandbox);
      const fields = await sandbox.call('PUT', processPath(initiated.id), {
        body: { processed_at: 1.5, utr: '', debit_bank_id: DEBIT_BANK },
      });
      expect(fields.body).toEqual({ processed_at: ['A valid integer is required.'], utr: ['This field may not be blank.'] });
      const noBank = await sandbox.call('PUT', processPath(initiated.id), {
        body: { ...UPSTREAM_PROCESS_BODY, debit_bank_id: UNKNOWN_ID },
      });
      expect(noBank.status).toBe(400);
      expect(noBank.body).toEqual({ debit_bank_id: [`Invalid pk "${UNKNOWN_ID}" - object does not exist.`] });
    });
  });

  describe('Payout Callback', () => {
    it('applies a success once: processed with the utr, the export debit bank, processed_at defaulting to now', async () => {
      const initiated = await initiatedPayout(sandbox);
      const body = { payout_service_id: initiated.payout_service_id, status: 'processed', utr: 'CB0001' };
      const first = await sandbox.call<Payout>('POST', CALLBACK, { body });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ status: 'processed', utr: 'CB0001', debit_bank: { id: DEBIT_BANK } });
      expect(first.body.processed_at).toBeCloseTo(Date.now() / 1000, -1);
      const again = await sandbox.call<Payout>('POST', CALLBACK, { body });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body); // nothing changed, not even updated_at
    });

    it('applies a failure once; a contradicting callback is a 409', async () => {
      const initiated = await initiatedPayout(sandbox);
      const failure = { payout_service_id: initiated.payout_service_id, status: 'failed', failed_remark: 'Account closed' };
      const first = await sandbox.call<Payout>('POST', CALLBACK, { body: failure });
      expect(first.body).toMatchObject({ status: 'failed', failed_remark: 'Account closed', utr: null });
      const again = await sandbox.call<Payout>('POST', CALLBACK, { body: failure });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      const contradiction = await sandbox.call('POST', CALLBACK, {
        body: { payout_service_id: initiated.payout_service_id, status: 'processed', utr: 'X1' },
      });
      expect(contradiction.status).toBe(409);
      expect(contradiction.body).toEqual({
        detail: `Payout is failed under reference ${initiated.payout_service_id}; a success for the same reference contradicts it.`,
      });
    });

    it('takes a late success for an earlier reference, and refuses a second payment naming both references', async () => {
      // Export (R1), the bank bounces it, retry, export again (R2): then the bank's late "paid" for R1.
      const failed = await failedPayout(sandbox);
      const first = failed.payout_service_id!;
      expect((await sandbox.call('PUT', `/v1/lms/payouts/${failed.id}/retry/`)).status).toBe(200);
      const staleFailure = await sandbox.call('POST', CALLBACK, {
        body: { payout_service_id: first, status: 'failed', failed_remark: 'again' },
      });
      expect(staleFailure.status).toBe(409);
      expect(staleFailure.body.detail).toBe(
        `Reference ${first} is not payout ${failed.id}'s current one (none: it awaits export); its failure changes nothing.`,
      );
      await sandbox.call('PUT', EXPORT, { body: { debit_bank_id: DEBIT_BANK, payout_ids: [failed.id] } });
      const second = (await payout(sandbox, failed.id)).payout_service_id!;
      expect(second).not.toBe(first);

      const late = await sandbox.call<Payout>('POST', CALLBACK, { body: { payout_service_id: first, status: 'processed', utr: 'LATE1' } });
      expect(late.status).toBe(200);
      expect(late.body).toMatchObject({ id: failed.id, status: 'processed', utr: 'LATE1', payout_service_id: first, failed_remark: null });

      const double = await sandbox.call('POST', CALLBACK, { body: { payout_service_id: second, status: 'processed', utr: 'PAID2' } });
      expect(double.status).toBe(409);
      expect(double.body.detail).toBe(
        `Payout ${failed.id} was already paid under reference ${first}; a success for ${second} means it was paid twice. Reverse one of them with the bank.`,
      );
      expect(await payout(sandbox, failed.id)).toMatchObject({ status: 'processed', utr: 'LATE1', payout_service_id: first });
    });

    it('409 for a success with another utr than the recorded one', async () => {
      const initiated = await initiatedPayout(sandbox);
      await sandbox.call('POST', CALLBACK, {
        body: { payout_service_id: initiated.payout_service_id, status: 'processed', utr: 'U1', processed_at: 1700000000 },
      });
      const other = await sandbox.call('POST', CALLBACK, {
        body: { payout_service_id: initiated.payout_service_id, status: 'processed', utr: 'U2' },
      });
      expect(other.status).toBe(409);
      expect(other.body.detail).toBe('Payout is processed with utr U1; a callback with utr U2 cannot change it.');
    });

    it('404 for an unknown payout_service_id', async () => {
      const answer = await sandbox.call('POST', CALLBACK, { body: { payout_service_id: 'NOPE-1', status: 'failed', failed_remark: 'x' } });
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ detail: 'No Payout has payout_service_id NOPE-1.' });
    });

    it("names the fields the outcome's body needs (400)", async () => {
      const noUtr = await sandbox.call('POST', CALLBACK, { body: { payout_service_id: 'P', status: 'processed', failed_remark: 'x' } });
      expect(noUtr.status).toBe(400);
      expect(noUtr.body).toEqual({
        utr: ['This field is required.'],
        failed_remark: ['Unknown field. Allowed fields: payout_service_id, status, utr, processed_at.'],
      });
      const badStatus = await sandbox.call('POST', CALLBACK, { body: { payout_service_id: 'P', status: 'paid' } });
      expect(badStatus.body).toEqual({ status: ['"paid" is not a valid choice. Choices: processed, failed, reversed.'] });
      const noStatus = await sandbox.call('POST', CALLBACK, { body: { payout_service_id: 'P' } });
      expect(noStatus.body).toEqual({ status: ['This field is required.'] });
    });
  });

  describe('Payout Callback: reversals', () => {
    const paid = async () => {
      const initiated = await initiatedPayout(sandbox);
      const body = { payout_service_id: initiated.payout_service_id, status: 'processed', utr: 'REV0001' };
      return (await sandbox.call<Payout>('POST', CALLBACK, { body })).body;
    };

    it('moves a processed payout to reversed once: the utr kept, the remark and reversed_at set; a repeat changes nothing', async () => {
      const processed = await paid();
      const reversal = {
        payout_service_id: processed.payout_service_id,
        status: 'reversed',
        remark: 'Account closed after credit',
        reversed_at: 1693247400,
      };
      const first = await sandbox.call<Payout>('POST', CALLBACK, { body: reversal });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        status: 'reversed',
        utr: 'REV0001',
        processed_at: processed.processed_at,
        failed_remark: 'Account closed after credit',
        reversed_at: 1693247400,
      });
      const again = await sandbox.call<Payout>('POST', CALLBACK, { body: reversal });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      // The provider's success sent again after the reversal changes nothing either.
      const staleSuccess = await sandbox.call<Payout>('POST', CALLBACK, {
        body: { payout_service_id: processed.payout_service_id, status: 'processed', utr: 'REV0001' },
      });
      expect(staleSuccess.status).toBe(200);
      expect(staleSuccess.body).toEqual(first.body);
      expect((await sandbox.call<PayoutPage>('GET', `${PAYOUTS}?status=reversed&page_size=100`)).body.results.map((p) => p.id)).toContain(
        processed.id,
      );
    });

    it('409 for a reversal of a payout that was never processed; reversed_at defaults to now', async () => {
      const initiated = await initiatedPayout(sandbox);
      const early = await sandbox.call('POST', CALLBACK, {
        body: { payout_service_id: initiated.payout_service_id, status: 'reversed', remark: 'x' },
      });
      expect(early.status).toBe(409);
      expect(early.body).toEqual({ detail: 'Payout is initiated; only a processed payout can be reversed.' });
      const failed = await failedPayout(sandbox);
      const ofFailed = await sandbox.call('POST', CALLBACK, {
        body: { payout_service_id: failed.payout_service_id, status: 'reversed', remark: 'x' },
      });
      expect(ofFailed.status).toBe(409);
      const processed = await paid();
      const now = await sandbox.call<Payout>('POST', CALLBACK, {
        body: { payout_service_id: processed.payout_service_id, status: 'reversed', remark: 'Returned' },
      });
      expect(now.body.reversed_at).toBeCloseTo(Date.now() / 1000, -1);
    });

    it('a reversed payout is retried like a failed one: pending with the paid transfer cleared; the returned transfer cannot pay it again', async () => {
      const processed = await paid();
      const reference = processed.payout_service_id!;
      await sandbox.call('POST', CALLBACK, { body: { payout_service_id: reference, status: 'reversed', remark: 'Returned' } });
      const retried = await sandbox.call<Payout>('PUT', retryPath(processed.id));
      expect(retried.status).toBe(200);
      expect(retried.body).toMatchObject({
        status: 'pending',
        utr: null,
        processed_at: null,
        debit_bank: null,
        reversed_at: null,
        failed_remark: null,
        payout_service_id: null,
        record: null,
      });
      const late = await sandbox.call('POST', CALLBACK, { body: { payout_service_id: reference, status: 'processed', utr: 'REV0001' } });
      expect(late.status).toBe(409);
      expect(late.body).toEqual({
        detail: `Reference ${reference} was reversed: the bank returned that transfer, so it cannot pay payout ${processed.id}.`,
      });
      expect((await payout(sandbox, processed.id)).status).toBe('pending');
    });
  });

  describe('Retry Failed Payout', () => {
    it('moves a failed payout back to pending, clearing what the failed attempt set', async () => {
      const failed = await failedPayout(sandbox);
      const answer = await sandbox.call<Payout>('PUT', retryPath(failed.id));
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ status: 'pending', failed_remark: null, payout_service_id: null, is_downloaded: false });
    });

    it('a retried payout is exported again under a new reference; a failure for the old one changes nothing', async () => {
      const failed = await failedPayout(sandbox);
      await sandbox.call('PUT', retryPath(failed.id), { headers: { 'content-type': 'application/json' } });
      await sandbox.call('PUT', EXPORT, { body: { debit_bank_id: DEBIT_BANK, payout_ids: [failed.id] } });
      const again = await payout(sandbox, failed.id);
      expect(again.status).toBe('initiated');
      expect(again.payout_service_id).not.toBe(failed.payout_service_id);
      const stale = await sandbox.call('POST', CALLBACK, {
        body: { payout_service_id: failed.payout_service_id, status: 'failed', failed_remark: 'x' },
      });
      expect(stale.status).toBe(409);
      expect((await payout(sandbox, failed.id)).status).toBe('initiated');
    });

    it('409 unless failed, 404 for an unknown id, 400 for a malformed one', async () => {
      const pending = (await sandbox.call<Payout>('POST', PAYOUTS, { body: newPayout() })).body;
      const notFailed = await sandbox.call('PUT', retryPath(pending.id));
      expect(notFailed.status).toBe(409);
      expect(notFailed.body).toEqual({ detail: 'Payout is pending; only a failed or reversed payout can be retried.' });
      expect((await sandbox.call('PUT', retryPath(UNKNOWN_ID))).status).toBe(404);
      const malformed = await sandbox.call('PUT', retryPath('42'));
      expect(malformed.status).toBe(400);
      expect(malformed.body).toEqual({ id: ['Must be a valid UUID.'] });
    });
  });

  describe('Unmatched Payouts', () => {
    it('lists processed payouts with no transaction, filtered by processed_at', async () => {
      const loan = newPayout().loan as string;
      const a = await initiatedPayout(sandbox, { loan });
      const b = await initiatedPayout(sandbox, { loan });
      await initiatedPayout(sandbox, { loan }); // initiated: not listed
      await sandbox.call('PUT', processPath(a.id), { body: { ...UPSTREAM_PROCESS_BODY, processed_at: 1700000000 } });
      await sandbox.call('PUT', processPath(b.id), { body: { ...UPSTREAM_PROCESS_BODY, processed_at: 1700100000 } });
      const page = (await sandbox.call<PayoutPage>('GET', `${UNMATCHED}?loan=${loan}`)).body;
      expect(page.results.map((p) => p.id)).toEqual([b.id, a.id]);
      expect(page.results.every((p) => p.status === 'processed' && p.transaction === null)).toBe(true);
      const range = (await sandbox.call<PayoutPage>('GET', `${UNMATCHED}?loan=${loan}&processed_at__gte=1700050000`)).body;
      expect(range.results.map((p) => p.id)).toEqual([b.id]);
      const upTo = (await sandbox.call<PayoutPage>('GET', `${UNMATCHED}?loan=${loan}&processed_at__lte=1700050000&ordering=processed_at`))
        .body;
      expect(upTo.results.map((p) => p.id)).toEqual([a.id]);
    });

    it('names invalid parameters (400)', async () => {
      const answer = await sandbox.call('GET', `${UNMATCHED}?page=0&processed_at__gte=1.5`);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        page: ['Ensure this value is greater than or equal to 1.'],
        processed_at__gte: ['A valid integer is required.'],
      });
    });
  });

  describe('auth and routing', () => {
    it('401 without a token, with an unknown one, or with another scheme', async () => {
      const none = await sandbox.call('GET', PAYOUTS, { token: null });
      expect(none.status).toBe(401);
      expect(none.body).toEqual({ detail: 'Authentication credentials were not provided.' });
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="api"');
      const unknown = await sandbox.call('POST', PAYOUTS, { token: 'guess', body: newPayout() });
      expect(unknown.status).toBe(401);
      expect(unknown.body).toEqual({ detail: 'Invalid bearer token.' });
      const basic = await sandbox.call('GET', PAYOUTS, { token: null, headers: { authorization: 'Basic dXNlcjpwYXNz' } });
      expect(basic.status).toBe(401);
    });

    it('checks the token before the input: a bad body without a token is a 401', async () => {
      const answer = await sandbox.call('POST', PAYOUTS, { token: null, raw: '{', headers: { 'content-type': 'application/json' } });
      expect(answer.status).toBe(401);
    });

    it('404 for a path no operation has (paths end in /), 405 for a method the path does not take', async () => {
      const noSlash = await sandbox.call('GET', '/v1/lms/payouts');
      expect(noSlash.status).toBe(404);
      expect(noSlash.body.detail).toMatch(/no operation has the path \/v1\/lms\/payouts /);
      const wrongMethod = await sandbox.call('DELETE', PAYOUTS);
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
    });
  });
});
