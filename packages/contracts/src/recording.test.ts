// A TypeScript caller gets a contract without writing a pact test: its tests run against
// startMock({ contract }) through @payouts/client, and the recording is judged like any pact.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPayoutsClient, isPayoutsApiError } from '@payouts/client';
import { startMock } from '@payouts/mock';
import { SpecModel } from '@payouts/model';
import { bundlePath, loadSpec } from '@payouts/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readContract } from './pact.js';
import { judgeContract } from './verdict.js';

const NEW_PAYOUT = loadSpec().document.components.schemas.CreatePayoutRequest.example;
let dir: string;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'payouts-recording-'));
  file = join(dir, 'desk-app.json');
  const mock = await startMock({ contract: { consumer: 'desk-app', file } });
  try {
    const client = createPayoutsClient({ baseUrl: mock.url, token: 'a-real-looking-secret-token', retry: false });
    await client.listPayouts({ status: 'pending' });
    await client.listPayouts({ status: 'pending' }); // the same interaction: recorded once
    await client.createPayout(NEW_PAYOUT);
    await client.createPayout(NEW_PAYOUT);
    // A request the mock refuses tests the caller's error handling; it is not something it relies on.
    await expect(client.createPayout({ ...NEW_PAYOUT, amount: 0 })).rejects.toSatisfy(isPayoutsApiError);
  } finally {
    await mock.stop();
  }
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a contract recorded by the mock', () => {
  it('is a Pact v4 file holding each distinct interaction once, with no secret in it', async () => {
    const text = await readFile(file, 'utf8');
    const pact = JSON.parse(text);
    expect(pact.metadata.pactSpecification.version).toBe('4.0');
    expect(pact.consumer.name).toBe('desk-app');
    expect(pact.interactions.map((i: { description: string }) => i.description)).toEqual([
      'createPayout answers 201',
      'listPayouts answers 200',
    ]);
    expect(text).not.toContain('a-real-looking-secret-token');
    const [create, list] = pact.interactions;
    expect(create.request).toMatchObject({ method: 'POST', path: '/v1/lms/payouts/', body: { content: NEW_PAYOUT } });
    expect(create.request.headers).toMatchObject({ Authorization: ['Bearer <token>'], 'Idempotency-Key': [expect.any(String)] });
    expect(list.request.query).toEqual({ status: ['pending'] });
    expect(list.response.matchingRules).toEqual({ body: { $: { combine: 'AND', matchers: [{ match: 'type' }] } } });
    expect(list.response.body.content.results.length).toBeGreaterThan(0);
  });

  it('is compatible with the spec it was recorded against', () => {
    const verdict = judgeContract(SpecModel.load(bundlePath('json')), readContract(file));
    expect(verdict.interactions.map((i) => [i.operationId, i.problems])).toEqual([
      ['createPayout', []],
      ['listPayouts', []],
    ]);
  });

  it('breaks when a field the caller received goes from the answer', async () => {
    const document = structuredClone(loadSpec().document);
    delete document.components.schemas.Payout.properties.utr;
    document.components.schemas.Payout.required = document.components.schemas.Payout.required.filter((f: string) => f !== 'utr');
    const head = join(dir, 'head.json');
    await writeFile(head, JSON.stringify(document));
    const verdict = judgeContract(SpecModel.load(head), readContract(file));
    expect(verdict.compatible).toBe(false);
    expect(verdict.interactions.flatMap((i) => i.problems.map((p) => p.location))).toEqual([
      'response.body.utr',
      'response.body.results[].utr',
    ]);
  });
});
