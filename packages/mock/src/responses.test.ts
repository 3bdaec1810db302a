import { readFileSync } from 'node:fs';
import { signCallback } from '@payouts/callbacks';
import { run as runCommand } from '@payouts/process';
import { UPSTREAM_PROCESS_PAYOUT_PAGE } from '@payouts/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mock, startMock } from './index.js';
import { namedExample, operationById, operations, responseErrors, validRequest } from './test-support/spec.js';

const AUTH = { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoidGVzdCJ9.c2lnbmF0dXJl' };

let mock: Mock;
beforeAll(async () => {
  mock = await startMock({ port: 0 });
});
afterAll(() => mock?.stop());

async function send(
  request: { method: string; path: string; body?: string; headers?: Record<string, string> },
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${mock.url}${request.path}`, {
    method: request.method,
    headers: { ...AUTH, ...(request.body ? { 'content-type': 'application/json' } : {}), ...request.headers, ...headers },
    body: request.body,
  });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.includes('json');
  return { status: response.status, headers: response.headers, text, body: isJson ? JSON.parse(text) : text };
}

const successOf = (operation: (typeof operations)[number]) => operation.responses.find(({ status }) => status.startsWith('2'))!;

describe('every operation', () => {
  it('is served: every operation of the spec', () => {
    expect(mock.operations.map(({ method, path, operationId }) => `${method} ${path} ${operationId}`)).toEqual(
      operations.map(({ method, path, operationId }) => `${method} ${path} ${operationId}`),
    );
    expect(mock.operations.length).toBeGreaterThan(0);
  });

  it('are checked by a validator that rejects a body the spec does not allow', () => {
    expect(responseErrors('PUT', '/v1/lms/payouts/{id}/retry/', '200', 'application/json', { status: 'sent' })).not.toEqual([]);
  });

  it.each(operations.map((operation) => [operation.operationId, operation] as const))(
    '%s answers a valid request with its documented success, a body that validates against the spec',
    async (_, operation) => {
      const answer = await send(validRequest(operation));
      const success = successOf(operation);
      expect(answer.status).toBe(Number(success.status));
      const mediaType = success.content[0]!.type;
      expect(answer.headers.get('content-type')).toContain(mediaType);
      expect(responseErrors(operation.method, operation.path, success.status, mediaType, answer.body)).toEqual([]);
      expect(answer.headers.get('sl-violations')).toBeNull();
      mock.expectNoViolations();
    },
  );
});

describe('static examples', () => {
  it('answers the first named example of a response by default, not the schema example', async () => {
    const list = await send({ method: 'GET', path: '/v1/lms/payouts/' });
    expect(list.body).toEqual(namedExample('PayoutListPage'));
    const created = await send(validRequest(operationById('createPayout')));
    expect(created.body).toMatchObject({ status: 'pending', utr: null });
  });

  it('answers the example named in Prefer: example=', async () => {
    const callback = validRequest(operationById('receivePayoutCallback'));
    const processed = await send(callback, { prefer: 'example=processed' });
    const failed = await send(callback, { prefer: 'example=failed' });
    expect(processed.body).toEqual(namedExample('ProcessedPayout'));
    expect(failed.body).toEqual(namedExample('FailedPayout'));
    expect(failed.body.failed_remark).toBe('Beneficiary account closed');
  });

  it('answers a reversal callback with the reversed payout, which the spec allows', async () => {
    const callback = validRequest(operationById('receivePayoutCallback'));
    const reversal = JSON.stringify({ payout_service_id: 'HDFC-NEFT-230827-0042', status: 'reversed', remark: 'Account frozen' });
    const signed = { ...callback, body: reversal, headers: { 'X-Payout-Signature': signCallback(reversal, 'test-callback-secret') } };
    const reversed = await send(signed, { prefer: 'example=reversed' });
    expect(reversed.status).toBe(200);
    expect(reversed.body).toEqual(namedExample('ReversedPayout'));
    expect(reversed.body).toMatchObject({ status: 'reversed', utr: '123123123123123', reversed_at: 1693247400 });
    expect(responseErrors('POST', '/v1/lms/payouts/callback/', '200', 'application/json', reversed.body)).toEqual([]);
  });

  it('answers the bank file of Export Payout for Bank as CSV with its Content-Disposition', async () => {
    const answer = await send(validRequest(operationById('exportPayoutsForBank')));
    expect(answer.headers.get('content-type')).toContain('text/csv');
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename=".+\.csv"$/);
    expect(answer.text.split('\r\n')[0]).toBe(
      'payout_id,reference,amount,method,beneficiary_name,beneficiary_account_no,beneficiary_ifsc,debit_account_no',
    );
  });
});

describe('the provider callback', () => {
  it('without X-Payout-Signature gets 401 whatever bearer token comes with it, and the recorder names the header', async () => {
    const { headers: _signature, ...unsigned } = validRequest(operationById('receivePayoutCallback'));
    const answer = await send(unsigned);
    expect(answer.status).toBe(401);
    expect(mock.violations()).toMatchObject([
      { operationId: 'receivePayoutCallback', status: 401, location: 'header', field: 'X-Payout-Signature' },
    ]);
    mock.clearViolations();
  });
});

describe('each documented error', () => {
  const documentedErrors = operations.flatMap((operation) =>
    operation.responses
      .filter(({ status }) => !status.startsWith('2'))
      .map(({ status }) => [`${operation.operationId} ${status}`, operation, status] as const),
  );

  it.each(documentedErrors)('%s is reachable with Prefer: code= and its body validates', async (_, operation, status) => {
    // A range (5XX) is asked for by its first code, as a caller's test would.
    const code = Number(status.replace(/XX$/, '00'));
    const answer = await send(validRequest(operation), { prefer: `code=${code}` });
    expect(answer.status).toBe(code);
    expect(responseErrors(operation.method, operation.path, status, 'application/json', answer.body)).toEqual([]);
    expect(Object.keys(answer.body).length).toBeGreaterThan(0);
  });
});

describe("the seed's curl", () => {
  // The upstream page's curl (the spec package keeps the page), as clients copy it: only its host is the mock's.
  const seed = readFileSync(UPSTREAM_PROCESS_PAYOUT_PAGE, 'utf8');
  const seedCurl = /curl --location[\s\S]*?\n--data-raw '[^']*'/.exec(seed)![0];
  const run = (extra: string) => {
    const command = `${seedCurl.replace('https://preprod.api.crego.io', mock.url)}${extra} --silent --show-error --write-out '\\n%{http_code}'`;
    return runCommand('sh', ['-c', command]);
  };

  it('with a bearer token added gets 200 and a Payout', async () => {
    const { stdout } = await run(` --header 'Authorization: Bearer ${AUTH.authorization.slice(7)}'`);
    const [body, status] = [stdout.slice(0, stdout.lastIndexOf('\n')), stdout.slice(stdout.lastIndexOf('\n') + 1)];
    expect(status).toBe('200');
    expect(responseErrors('PUT', '/v1/lms/payouts/{id}/mark_processed/', '200', 'application/json', JSON.parse(body))).toEqual([]);
    expect(JSON.parse(body)).toMatchObject({ status: 'processed', utr: '123123123123123' });
    mock.expectNoViolations();
  });

  it('without Authorization gets 401, and the recorder names the missing header', async () => {
    const { stdout } = await run('');
    expect(stdout.slice(stdout.lastIndexOf('\n') + 1)).toBe('401');
    expect(JSON.parse(stdout.slice(0, stdout.lastIndexOf('\n')))).toEqual({ detail: 'Authentication credentials were not provided.' });
    expect(mock.violations()).toMatchObject([{ operationId: 'processPayout', status: 401, location: 'header', field: 'Authorization' }]);
    mock.clearViolations();
  });
});
