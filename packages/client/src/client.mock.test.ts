// Every operation through the client against a real Prism process serving the bundled spec:
// the documented success answers, and every documented error status (forced with `Prefer: code=`).
import { signCallback } from '@payouts/callbacks';
import { type Mock, startMock } from '@payouts/mock';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createPayoutsClient, isPayoutsApiError, type OperationId, type PayoutsClient, unwrap } from './index.js';
import { requestExample, spec } from './test-support/spec-examples.js';

const PAYOUT_ID = 'bb572e48-1d50-4a53-b5ae-37b23855f84f';
const NEW_PAYOUT = requestExample('createPayout');
const PROCESSED = requestExample('processPayout');
const CALLBACK = requestExample('receivePayoutCallback', 'processed');
const FAILED_CALLBACK = requestExample('receivePayoutCallback', 'failed');
const EXPORT_ALL = requestExample('exportPayoutsForBank', 'all');
/** Prism checks that a callback carries X-Payout-Signature; the sandbox and verify check its value. */
const sign = (raw: string) => signCallback(raw, 'test-callback-secret');
const CSV_HEADER = 'payout_id,reference,amount,method,beneficiary_name,beneficiary_account_no,beneficiary_ifsc,debit_account_no';

let mock: Mock;
let client: PayoutsClient;

// `pnpm --filter @payouts/client record-contract` runs this suite recording what the client relied
// on: the registered consumer contract spec/contracts/payouts-client.json.
const recording = process.env.PAYOUTS_RECORD_CONTRACT;

beforeAll(async () => {
  mock = await startMock({ port: 0, contract: recording ? { consumer: 'payouts-client', file: recording } : undefined });
  client = createPayoutsClient({ baseUrl: mock.url, token: 'test-jwt', retry: false });
});
afterAll(() => mock?.stop());
// Every request the client sent must have been valid by the spec, as Prism judged it.
afterEach(() => mock.expectNoViolations());

describe('success answers', () => {
  test('List Payouts: one typed page', async () => {
    const page = await client.listPayouts({ status: 'pending', is_downloaded: false, page_size: 15 });
    expect(page).toMatchObject({ current_page: 1, page_size: 15 });
    expect(page.results.map((payout) => payout.status)).toEqual(['pending', 'processed']);
  });

  test('Create Payout: the new payout, pending', async () => {
    const payout = await client.createPayout(NEW_PAYOUT);
    expect(payout).toMatchObject({ status: 'pending', utr: null, is_downloaded: false });
  });

  test('Process Payout: the payout, processed with its utr', async () => {
    const payout = await client.processPayout(PAYOUT_ID, PROCESSED);
    expect(payout).toMatchObject({ status: 'processed', utr: '123123123123123' });
  });

  test('Retry Failed Payout: the payout, pending again', async () => {
    await expect(client.retryFailedPayout(PAYOUT_ID)).resolves.toMatchObject({ status: 'pending', failed_remark: null });
  });

  test('Payout Callback: the payout after the callback', async () => {
    await expect(client.receivePayoutCallback(CALLBACK, { sign })).resolves.toMatchObject({ status: 'processed' });
    const failed = await client.receivePayoutCallback(FAILED_CALLBACK, { sign, headers: { Prefer: 'example=failed' } });
    expect(failed).toMatchObject({ status: 'failed', failed_remark: 'Beneficiary account closed' });
  });

  test('Unmatched Payouts: processed payouts with no statement line', async () => {
    const page = await client.listUnmatchedPayouts({ ordering: '-processed_at' });
    expect(page.results.length).toBeGreaterThan(0);
    for (const payout of page.results) expect(payout).toMatchObject({ status: 'processed', transaction: null });
  });

  test('Export Payout for Bank: the CSV file as text, through the shortcut and the raw PUT', async () => {
    const csv = await client.exportPayoutsForBank(requestExample('exportPayoutsForBank', 'some'));
    expect(typeof csv).toBe('string');
    expect(csv.split('\r\n')[0]).toBe(CSV_HEADER);

    const { data, response } = await client.PUT('/v1/lms/payouts/export/', { body: EXPORT_ALL });
    expect(data).toBe(csv);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
  });
});

/**
 * A valid call of an operation through the raw typed surface, made of the spec's examples (a signed
 * operation signed), with extra headers.
 */
function exampleCall(operationId: OperationId, headers: Record<string, string>): Promise<{ response: Response; error?: unknown }> {
  const operation = spec.operation(operationId);
  const path = Object.fromEntries(operation.parameters.filter((p) => p.in === 'path').map((p) => [p.name, p.example]));
  const body = operation.requestBody === undefined ? undefined : requestExample(operationId);
  const raw = JSON.stringify(body);
  const signatures = operation.credentialHeaders.filter((header) => header !== 'Authorization').map((header) => [header, sign(raw)]);
  const send = client.request as unknown as (
    method: string,
    path: string,
    init: object,
  ) => Promise<{ response: Response; error?: unknown }>;
  return send(operation.method, operation.path, {
    params: { path },
    body,
    bodySerializer: () => raw,
    headers: { ...headers, ...Object.fromEntries(signatures) },
  });
}

const documentedErrors = spec.operations.flatMap(({ operationId, responses }) =>
  // A range (5XX) by its first code, as a server answers it.
  responses
    .filter(({ status }) => /^[45]/.test(status))
    .map(({ status }) => [operationId as OperationId, Number(status.replace(/XX$/, '00'))] as const),
);

describe('documented error answers', () => {
  test('the spec documents errors for every operation', () => {
    expect(new Set(documentedErrors.map(([operationId]) => operationId))).toEqual(new Set(spec.operations.map((o) => o.operationId)));
  });

  test.each(documentedErrors)(
    '%s answering %i throws a PayoutsApiError with the status, the operation and the body',
    async (operationId, status) => {
      const result = await exampleCall(operationId, { Prefer: `code=${status}` });
      expect(result.response.status).toBe(status);
      const error = (() => {
        try {
          unwrap(result);
        } catch (thrown) {
          return thrown;
        }
      })();
      expect(isPayoutsApiError(error, operationId)).toBe(true);
      if (!isPayoutsApiError(error, operationId)) return;
      expect(error.status).toBe(status);
      expect(error.body).toEqual(result.error);
      if (status === 400) {
        // Field messages: every key but non_field_errors names a field with its messages.
        expect(Object.values(error.body as object).every((messages) => Array.isArray(messages) && messages.length > 0)).toBe(true);
      } else {
        expect(error.body).toEqual({ detail: expect.any(String) });
      }
      expect(error.message).toMatch(new RegExp(`^${operationId} answered ${status} .+: .+`));
    },
  );

  test('a shortcut throws the same error', async () => {
    const error = await client.processPayout(PAYOUT_ID, PROCESSED, { headers: { Prefer: 'code=409' } }).catch((e: unknown) => e);
    expect(isPayoutsApiError(error, 'processPayout', 409)).toBe(true);
    expect((error as Error).message).toBe(
      'processPayout answered 409 Conflict: Payout is pending; only an initiated payout can be marked processed.',
    );
  });
});

describe('requests the contract refuses', () => {
  test('an invalid body is answered 400 naming the field, and the error carries it', async () => {
    // `minimum: 1` is beyond what the types can say: the server's answer is what tells the caller.
    const wrong = { ...NEW_PAYOUT, amount: 0 };
    const error = await client.createPayout(wrong).catch((e: unknown) => e);
    expect(isPayoutsApiError(error, 'createPayout', 400)).toBe(true);
    expect((error as Error).message).toMatch(/^createPayout answered 400 .*amount/);
    mock.clearViolations();
  });
});
