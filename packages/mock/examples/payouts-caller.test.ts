// An example caller: the test suite of a service that creates payouts, run against the mock.
// The recorder turns every broken contract into a failed test, even when the caller's code
// handles the mock's 400 gracefully. (This is written with openapi-fetch and @payouts/types:
// @payouts/client already depends on this package, so this one cannot depend on it back.
// Its createPayoutsClient({ baseUrl: mock.url, token }) is used the same way.)
import { type Mock, startMock } from '@payouts/mock';
import type { paths } from '@payouts/types';
import createClient, { type Client } from 'openapi-fetch';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';

let mock: Mock;
let api: Client<paths>;
beforeAll(async () => {
  mock = await startMock({ port: 0 });
  api = createClient<paths>({ baseUrl: mock.url, headers: { Authorization: 'Bearer test-token' } });
});
afterEach(() => mock.expectNoViolations());
afterAll(() => mock?.stop());

const disbursement = {
  loan: '0f1e2d3c-4b5a-4697-8877-665544332211',
  account: '5e4d3c2b-1a09-4f8e-8d7c-6b5a49382716',
  type: 'disbursement',
  amount: 120000,
  method: 'neft',
  payout_to: 'borrower',
  credit_bank_id: '9d3b7a1e-2f4c-4b8a-9e6d-5c0f1a2b3c4d',
} as const;

it('disburses a booked loan', async () => {
  const { data, error } = await api.POST('/v1/lms/payouts/', { body: disbursement, headers: { 'Idempotency-Key': 'loan-0f1e2d3c' } });
  expect(error).toBeUndefined();
  expect(data?.status).toBe('pending');
});

it('disburses a loan read from a CSV row', async () => {
  const row = { amount: '120000' }; // the bug: the amount stays a string
  const { error } = await api.POST('/v1/lms/payouts/', { body: { ...disbursement, amount: row.amount as unknown as number } });
  expect(error).toBeDefined(); // the caller copes with the 400; the recorder fails the test anyway
});
