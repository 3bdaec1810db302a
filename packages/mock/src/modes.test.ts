import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractViolationError, type Mock, startMock } from './index.js';
import { namedExample, responseErrors } from './test-support/spec.js';

// A spec whose only example breaks its own schema: the mock's answer breaks the contract.
const BROKEN_EXAMPLE = fileURLToPath(new URL('./test-support/broken-example.yaml', import.meta.url));

let lenient: Mock;
let strict: Mock;
let dynamic: Mock;
beforeAll(async () => {
  [lenient, strict, dynamic] = await Promise.all([
    startMock({ port: 0, spec: BROKEN_EXAMPLE }),
    startMock({ port: 0, spec: BROKEN_EXAMPLE, errors: true }),
    startMock({ port: 0, dynamic: true, seed: 'payouts' }),
  ]);
});
afterAll(async () => {
  strict?.clearViolations();
  await Promise.all([lenient?.stop(), strict?.stop(), dynamic?.stop()]);
});

describe('an answer that breaks the spec', () => {
  it('is answered as it is by default, and recorded as a response violation', async () => {
    const answer = await fetch(`${lenient.url}/things/`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ count: 'many' });
    expect(lenient.violations()).toMatchObject([
      { operationId: 'listThings', side: 'response', field: 'count', message: 'must be integer' },
    ]);
    lenient.clearViolations();
  });

  it('is a 500 naming the violation in strict mode', async () => {
    const answer = await fetch(`${strict.url}/things/`);
    expect(answer.status).toBe(500);
    expect(await answer.json()).toEqual({ detail: "The mock's 200 answer to listThings broke the spec: count must be integer" });
    expect(strict.violations()).toMatchObject([{ side: 'response', status: 500, field: 'count' }]);
  });
});

describe('strict mode', () => {
  it('makes stop() fail while violations nobody checked remain, after stopping everything', async () => {
    const mock = await startMock({ port: 0, errors: true });
    await (await fetch(`${mock.url}/v1/lms/payouts/?page=0`, { headers: { authorization: 'Bearer t' } })).arrayBuffer();
    const stopped = mock.stop();
    await expect(stopped).rejects.toThrow(ContractViolationError);
    await expect(stopped).rejects.toThrow('listPayouts (GET /v1/lms/payouts/ -> 400): query page: must be >= 1');
  });

  it('lets stop() succeed once the violations were checked', async () => {
    const mock = await startMock({ port: 0, errors: true });
    await (await fetch(`${mock.url}/v1/lms/payouts`)).arrayBuffer();
    expect(() => mock.expectNoViolations()).toThrow('route');
    await expect(mock.stop()).resolves.toBeUndefined();
  });
});

describe('dynamic mode', () => {
  const list = async () => {
    const answer = await fetch(`${dynamic.url}/v1/lms/payouts/`, { headers: { authorization: 'Bearer t' } });
    return { status: answer.status, body: await answer.json() };
  };

  it('generates bodies that validate against the spec, the same ones for the same seed', async () => {
    const [first, second] = [await list(), await list()];
    expect(first.status).toBe(200);
    expect(responseErrors('GET', '/v1/lms/payouts/', '200', 'application/json', first.body)).toEqual([]);
    expect(first.body).not.toEqual(namedExample('PayoutListPage'));
    expect(second.body).toEqual(first.body);
    dynamic.expectNoViolations();
  });
});
