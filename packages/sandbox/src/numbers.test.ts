// Numbers JSON or a bank file cannot carry never get in: each is a 400 naming the field, and no
// answer of the sandbox is ever anything but valid JSON (or the CSV it documents), whatever comes in.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newDb, STORES } from './test-support/stores.js';
import { DEBIT_BANK, initiatedPayout, newPayout, startTestSandbox, type TestSandbox } from './testing.js';

const PAYOUTS = '/v1/lms/payouts/';
let sandbox: TestSandbox;

describe.each(STORES)('numbers and text (%s)', (kind) => {
  beforeAll(async () => {
    sandbox = await startTestSandbox({ db: await newDb(kind) });
  });

  afterAll(async () => {
    await sandbox?.dispose();
  });

  const createRaw = (amountText: string) => {
    const body = JSON.stringify(newPayout({ amount: 0 })).replace('"amount":0', `"amount":${amountText}`);
    return sandbox.call('POST', PAYOUTS, { raw: body, headers: { 'content-type': 'application/json' } });
  };

  describe('numbers the contract cannot carry', () => {
    it('refuses an amount JSON parses to Infinity, or one past 2^53-1 that would be rounded', async () => {
      const infinite = await createRaw('1e400');
      expect(infinite.status).toBe(400);
      expect(infinite.body).toEqual({ amount: ['A valid integer is required.'] });
      const rounded = await createRaw('9007199254740993');
      expect(rounded.status).toBe(400);
      expect(rounded.body).toEqual({ amount: ['Ensure this value is less than or equal to 9007199254740991.'] });
      expect((await createRaw('9007199254740991')).status).toBe(201);
    });

    it('takes query integers as decimal digits only', async () => {
      for (const page of ['Infinity', '0x10', '1e3', ' 2', '2.5', '-0x1']) {
        const answer = await sandbox.call('GET', `${PAYOUTS}?page=${encodeURIComponent(page)}`);
        expect(answer.status, `page=${page}`).toBe(400);
        expect(answer.body, `page=${page}`).toEqual({ page: ['A valid integer is required.'] });
      }
      const ok = await sandbox.call('GET', `${PAYOUTS}?page=2&created_at__gte=1693094400.5`);
      expect(ok.status).toBe(200);
      expect(ok.body.current_page).toBe(2);
    });

    it('refuses timestamps that are not unix seconds: infinite, negative or in milliseconds', async () => {
      const payout = await initiatedPayout(sandbox);
      const process = (processedAt: string) =>
        sandbox.call('PUT', `/v1/lms/payouts/${payout.id}/mark_processed/`, {
          raw: `{"utr":"U1","debit_bank_id":"${DEBIT_BANK}","processed_at":${processedAt}}`,
          headers: { 'content-type': 'application/json' },
        });
      expect((await process('1e400')).body).toEqual({ processed_at: ['A valid integer is required.'] });
      expect((await process('-5')).body).toEqual({ processed_at: ['Ensure this value is greater than or equal to 0.'] });
      expect((await process('1693161000000')).body).toEqual({ processed_at: ['Ensure this value is less than or equal to 10000000000.'] });
      const paid = await process('1693161000');
      expect(paid.status).toBe(200);
      expect(paid.body.processed_at).toBe(1693161000);
    });
  });

  // Any JSON text at all, numbers at the edges of what parsers take included, in any body field.
  const edgeNumber = fc.constantFrom(
    '1e400',
    '-1e400',
    '9007199254740993',
    '1e-400',
    '0.1',
    '-0',
    '1E308',
    '123456789012345678901234567890',
  );
  const fieldValue = fc.oneof(
    edgeNumber,
    fc.jsonValue().map((value) => JSON.stringify(value)),
  );
  const operations = [
    { method: 'POST', path: PAYOUTS, fields: ['loan', 'account', 'type', 'amount', 'method', 'payout_to', 'credit_bank_id', 'topup'] },
    { method: 'PUT', path: '/v1/lms/payouts/export/', fields: ['debit_bank_id', 'payout_ids'] },
    { method: 'POST', path: '/v1/lms/payouts/callback/', fields: ['payout_service_id', 'status', 'utr', 'failed_remark', 'processed_at'] },
  ];
  const queryValue = fc.oneof(edgeNumber, fc.string({ maxLength: 12 }), fc.integer().map(String));
  const queryNames = ['page', 'page_size', 'status', 'created_at__gte', 'processed_at__lte', 'amount', 'ordering', 'search'];

  describe('free text', () => {
    it('past its maxLength is a 400 naming the field, and changes nothing', async () => {
      const initiated = await initiatedPayout(sandbox);
      const processed = await sandbox.call('PUT', `${PAYOUTS}${initiated.id}/mark_processed/`, {
        body: { utr: 'U'.repeat(65), processed_at: 1693161000, debit_bank_id: DEBIT_BANK },
      });
      expect(processed.status).toBe(400);
      expect(processed.body).toEqual({ utr: ['Ensure this field has no more than 64 characters.'] });
      const failed = await sandbox.call('POST', `${PAYOUTS}callback/`, {
        body: { payout_service_id: initiated.payout_service_id, status: 'failed', failed_remark: 'x'.repeat(501) },
      });
      expect(failed.status).toBe(400);
      expect(failed.body).toEqual({ failed_remark: ['Ensure this field has no more than 500 characters.'] });
      const reference = await sandbox.call('POST', `${PAYOUTS}callback/`, {
        body: { payout_service_id: 'R'.repeat(65), status: 'processed', utr: 'U1' },
      });
      expect(reference.body).toEqual({ payout_service_id: ['Ensure this field has no more than 64 characters.'] });
    });
  });

  describe('undocumented query parameters', () => {
    it("are ignored, as upstream's Django does: List Payouts does not filter by Unmatched's processed_at__lte", async () => {
      const initiated = await initiatedPayout(sandbox);
      await sandbox.call('PUT', `${PAYOUTS}${initiated.id}/mark_processed/`, {
        body: { utr: 'UNDOCUMENTED1', processed_at: 1700000000, debit_bank_id: DEBIT_BANK },
      });
      const plain = await sandbox.call('GET', `${PAYOUTS}?search=UNDOCUMENTED1`);
      for (const extra of ['processed_at__lte=1', 'processed_at__lte=1e400', 'colour=blue']) {
        const answer = await sandbox.call('GET', `${PAYOUTS}?search=UNDOCUMENTED1&${extra}`);
        expect([answer.status, answer.body]).toEqual([200, plain.body]);
      }
      expect(plain.body.count).toBe(1);
    });
  });

  describe('whatever comes in', () => {
    it('every answer is JSON (or the documented CSV), never a 500', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...operations),
          fc.dictionary(fc.constantFrom(...operations.flatMap((op) => op.fields)), fieldValue, { maxKeys: 6 }),
          async (operation, fields) => {
            const raw = `{${Object.entries(fields)
              .map(([name, text]) => `${JSON.stringify(name)}:${text}`)
              .join(',')}}`;
            const answer = await sandbox.call(operation.method, operation.path, { raw, headers: { 'content-type': 'application/json' } });
            expect(answer.status, raw).toBeLessThan(500);
            if ((answer.headers.get('content-type') ?? '').startsWith('application/json')) {
              expect(() => JSON.parse(answer.text), answer.text).not.toThrow();
            } else {
              expect(answer.headers.get('content-type')).toMatch(/^text\/csv/);
              expect(answer.text).not.toMatch(/,(Infinity|NaN|-?\d+e[+-]?\d+),/i);
            }
          },
        ),
        { numRuns: 150 },
      );
    });

    it('every query answer is JSON, never a 500', async () => {
      await fc.assert(
        fc.asyncProperty(fc.dictionary(fc.constantFrom(...queryNames), queryValue, { maxKeys: 4 }), async (query) => {
          const search = new URLSearchParams(query).toString();
          const answer = await sandbox.call('GET', `${PAYOUTS}?${search}`);
          expect(answer.status, search).toBeLessThan(500);
          expect(() => JSON.parse(answer.text), answer.text).not.toThrow();
        }),
        { numRuns: 150 },
      );
    });
  });
});
