// Prism as a library answers as the Prism CLI does: the same status and body for every operation's
// valid request and every documented error, and the same refusals; and it reloads without a gap.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listeningPorts } from '@payouts/process';
import { bundlePath } from '@payouts/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mock, startMock } from './index.js';
import { operations, validRequest } from './test-support/spec.js';

const AUTH = { authorization: 'Bearer t' };
let cli: Mock;
let library: Mock;

beforeAll(async () => {
  [cli, library] = await Promise.all([startMock(), startMock({ inProcess: true })]);
});
afterAll(async () => {
  await Promise.all([cli?.stop(), library?.stop()]);
});

async function answer(mock: Mock, request: ReturnType<typeof validRequest>, headers: Record<string, string> = {}) {
  const response = await fetch(`${mock.url}${request.path}`, {
    method: request.method,
    headers: { ...AUTH, ...(request.body ? { 'content-type': 'application/json' } : {}), ...request.headers, ...headers },
    body: request.body,
  });
  return `${response.status} ${response.headers.get('content-type')}\n${await response.text()}`;
}

describe('an in-process mock', { timeout: 60_000 }, () => {
  const cases = operations.flatMap((operation) => [
    [`${operation.operationId} (valid request)`, operation, {}] as const,
    ...operation.responses
      .filter((response) => /^[45]/.test(response.status))
      .map(
        (response) =>
          [`${operation.operationId} (Prefer: code=${response.status})`, operation, { prefer: `code=${response.status}` }] as const,
      ),
  ]);

  it.each(cases)('answers %s as the CLI does', async (_, operation, headers) => {
    const request = validRequest(operation);
    expect(await answer(library, request, headers)).toBe(await answer(cli, request, headers));
  });

  it('refuses what the CLI refuses: no token, a wrong body', async () => {
    const create = validRequest(operations.find((op) => op.operationId === 'createPayout')!);
    for (const mock of [cli, library]) mock.clearViolations();
    expect(await answer(library, create, { authorization: '' })).toBe(await answer(cli, create, { authorization: '' }));
    const wrong = { ...create, body: JSON.stringify({ ...JSON.parse(create.body!), amount: 'ten' }) };
    expect(await answer(library, wrong)).toBe(await answer(cli, wrong));
    expect(library.violations().map((v) => v.field)).toEqual(cli.violations().map((v) => v.field));
    for (const mock of [cli, library]) mock.clearViolations();
  });

  it('reloads a saved spec, answering every request meanwhile', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'payouts-mock-inprocess-'));
    const file = join(dir, 'openapi.json');
    const original = await readFile(bundlePath('json'), 'utf8');
    await writeFile(file, original);
    const mock = await startMock({ spec: file, inProcess: true });
    try {
      await writeFile(file, original.replaceAll('"count": 2', '"count": 4242'));
      const reloading = mock.reload();
      const during = await fetch(`${mock.url}/v1/lms/payouts/`, { headers: AUTH });
      expect(during.status).toBe(200);
      await reloading;
      const after = (await (await fetch(`${mock.url}/v1/lms/payouts/`, { headers: AUTH })).json()) as { count: number };
      expect(after.count).toBe(4242);
    } finally {
      await mock.stop();
      await rm(dir, { recursive: true, force: true });
    }
    expect(listeningPorts(process.pid)).not.toContain(mock.port);
  });
});
