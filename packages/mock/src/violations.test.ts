import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ContractViolationError, type Mock, startMock } from './index.js';
import { operationById, responseErrors, validRequest } from './test-support/spec.js';

const AUTH = { authorization: 'Bearer test-token' };
const PAYOUT = '/v1/lms/payouts/bb572e48-1d50-4a53-b5ae-37b23855f84f';
// The spec's own example of a Create Payout body: valid by definition.
const NEW_PAYOUT = JSON.parse(validRequest(operationById('createPayout')).body!) as Record<string, unknown>;

let mock: Mock;
beforeAll(async () => {
  mock = await startMock({ port: 0 });
});
afterAll(() => mock?.stop());
afterEach(() => mock.clearViolations());

async function send(method: string, path: string, { body, headers = {} }: { body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${mock.url}${path}`, {
    method,
    headers: { ...AUTH, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** The answer is the spec's documented 400 for the operation, and its body names exactly these fields. */
function expectDocumented400(answer: Awaited<ReturnType<typeof send>>, specPath: string, method: string, fields: string[]) {
  expect(answer.status).toBe(400);
  expect(responseErrors(method, specPath, '400', 'application/json', answer.body)).toEqual([]);
  expect(Object.keys(answer.body).sort()).toEqual([...fields].sort());
}

describe('a request that breaks the contract', () => {
  it('with a value of the wrong type gets the documented 400 naming the field', async () => {
    const answer = await send('POST', '/v1/lms/payouts/', { body: { ...NEW_PAYOUT, amount: '120000' } });
    expectDocumented400(answer, '/v1/lms/payouts/', 'POST', ['amount']);
    // Worded as the sandbox words it: the same checker, the same Error model.
    expect(answer.body.amount).toEqual(['A valid integer is required.']);
    expect(mock.violations()).toMatchObject([
      {
        operationId: 'createPayout',
        method: 'POST',
        path: '/v1/lms/payouts/',
        status: 400,
        side: 'request',
        location: 'body',
        field: 'amount',
        pointer: '/amount',
        message: 'must be integer',
      },
    ]);
    expect(mock.violations()).toHaveLength(1);
  });

  it('missing a required field, or with one the spec does not have, names each field', async () => {
    const { credit_bank_id: _, ...withoutBank } = NEW_PAYOUT;
    const answer = await send('POST', '/v1/lms/payouts/', { body: { ...withoutBank, colour: 'blue' } });
    expectDocumented400(answer, '/v1/lms/payouts/', 'POST', ['credit_bank_id', 'colour']);
    expect(
      mock
        .violations()
        .map(({ field }) => field)
        .sort(),
    ).toEqual(['colour', 'credit_bank_id']);
  });

  it('with a body that is not JSON is told so', async () => {
    const answer = await send('PUT', `${PAYOUT}/mark_processed/`, { body: '{"utr": "1",' });
    expectDocumented400(answer, '/v1/lms/payouts/{id}/mark_processed/', 'PUT', ['non_field_errors']);
    expect(mock.violations()).toMatchObject([{ operationId: 'processPayout', location: 'body', message: 'the body is not valid JSON' }]);
  });

  it('with a query value outside its enum names the parameter', async () => {
    const answer = await send('GET', '/v1/lms/payouts/?status=paid');
    expectDocumented400(answer, '/v1/lms/payouts/', 'GET', ['status']);
    expect(answer.body.status[0]).toContain('pending, initiated, processed, failed');
    expect(mock.violations()).toMatchObject([{ operationId: 'listPayouts', location: 'query', field: 'status' }]);
  });

  it('with a path id that is not a UUID names it', async () => {
    const answer = await send('PUT', '/v1/lms/payouts/42/retry/');
    expectDocumented400(answer, '/v1/lms/payouts/{id}/retry/', 'PUT', ['id']);
  });

  it('with a header breaking its schema names the header', async () => {
    const answer = await send('POST', '/v1/lms/payouts/', { body: NEW_PAYOUT, headers: { 'idempotency-key': 'k'.repeat(256) } });
    expectDocumented400(answer, '/v1/lms/payouts/', 'POST', ['Idempotency-Key']);
  });

  it('without Authorization gets the documented 401, recorded against the Authorization header', async () => {
    const answer = await send('GET', '/v1/lms/payouts/unmatched/', { headers: { authorization: '' } });
    expect(answer.status).toBe(401);
    expect(responseErrors('GET', '/v1/lms/payouts/unmatched/', '401', 'application/json', answer.body)).toEqual([]);
    expect(mock.violations()).toMatchObject([{ operationId: 'listUnmatchedPayouts', location: 'header', field: 'Authorization' }]);
  });

  it('on a path the spec does not have (no trailing slash) is recorded as a route violation', async () => {
    const answer = await send('GET', '/v1/lms/payouts');
    expect(answer.status).toBe(404);
    expect(mock.violations()).toMatchObject([{ operationId: undefined, location: 'route', message: expect.stringContaining('ends in /') }]);
  });

  it('while a valid request records nothing, even when it asks for an error with Prefer', async () => {
    const answer = await send('POST', '/v1/lms/payouts/', { body: NEW_PAYOUT, headers: { prefer: 'code=400' } });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      amount: ['Ensure this value is greater than or equal to 1.'],
      credit_bank_id: ['This field is required.'],
    });
    expect(mock.violations()).toEqual([]);
  });
});

describe('expectNoViolations', () => {
  it('passes when the mock saw no violation', async () => {
    await send('GET', '/v1/lms/payouts/');
    expect(() => mock.expectNoViolations()).not.toThrow();
  });

  it('fails with one readable line per violation (operation, field, what was wrong), then starts afresh', async () => {
    await send('PUT', `${PAYOUT}/mark_processed/`, {
      body: { utr: '', processed_at: 1693161000.5, debit_bank_id: 'f808a4b5-d281-4988-8261-8c7ac0a8abbc' },
    });
    let thrown: unknown;
    try {
      mock.expectNoViolations();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ContractViolationError);
    expect((thrown as ContractViolationError).message).toBe(
      [
        'the mock saw 2 contract violations:',
        `  - processPayout (PUT ${PAYOUT}/mark_processed/ -> 400): body utr: must NOT have fewer than 1 characters`,
        `  - processPayout (PUT ${PAYOUT}/mark_processed/ -> 400): body processed_at: must be integer`,
      ].join('\n'),
    );
    expect(mock.violations()).toEqual([]);
    expect(() => mock.expectNoViolations()).not.toThrow();
  });
});
