// Response validation is real: against a spec the sandbox does not follow, its answers become 500s
// that name what broke, and the sandbox reports them. Off, the same answers go out as they are.
import { rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadSpec } from '@payouts/spec';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newPayout, startTestSandbox, type TestSandbox, tempDir } from './testing.js';

let specPath: string;
const opened: TestSandbox[] = [];

beforeAll(async () => {
  // The same spec, except that a payout now also requires a `currency` the sandbox never sends.
  const document = loadSpec().document;
  document.components.schemas.Payout.required.push('currency');
  document.components.schemas.Payout.properties.currency = { type: 'string' };
  specPath = join(await tempDir(), 'openapi.json');
  await writeFile(specPath, JSON.stringify(document));
});

afterAll(async () => {
  for (const sandbox of opened) {
    await sandbox.stop();
    await rm(sandbox.dir, { recursive: true, force: true });
  }
  await rm(dirname(specPath), { recursive: true, force: true });
});

async function start(validateResponses: boolean): Promise<{ sandbox: TestSandbox; reported: string[] }> {
  const reported: string[] = [];
  const sandbox = await startTestSandbox({ specPath, validateResponses, log: (line) => reported.push(line) });
  opened.push(sandbox);
  return { sandbox, reported };
}

it('turns an answer that breaks the spec into a 500 naming the problem, and reports it', async () => {
  const { sandbox, reported } = await start(true);
  const created = await sandbox.call('POST', '/v1/lms/payouts/', { body: newPayout() });
  expect(created.status).toBe(500);
  expect(created.body.detail).toBe("The sandbox's 201 answer to createPayout broke the spec: currency is required but missing");
  expect(reported).toEqual(['sandbox: createPayout 201 broke the spec: currency is required but missing']);
  const listed = await sandbox.call('GET', '/v1/lms/payouts/');
  expect(listed.status).toBe(500);
  expect(listed.body.detail).toContain('results[0].currency is required but missing');
});

it('with validation off, sends the answer as the handler made it', async () => {
  const { sandbox, reported } = await start(false);
  const created = await sandbox.call('POST', '/v1/lms/payouts/', { body: newPayout() });
  expect(created.status).toBe(201);
  expect(created.body).not.toHaveProperty('currency');
  expect(reported).toEqual([]);
});
