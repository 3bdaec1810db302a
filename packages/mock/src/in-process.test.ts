// The mock's one Prism backend, Prism as a library, answers as the Prism CLI does: the same status
// and body for every operation's valid request and every documented error; and it reloads without a gap.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listeningPorts } from '@payouts/process';
import { bundlePath } from '@payouts/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mock, type PrismProcess, startMock, startPrism } from './index.js';
import { prepareSpec, type ServedSpec } from './spec.js';
import { operations, validRequest } from './test-support/spec.js';

const AUTH = { authorization: 'Bearer t' };
let served: ServedSpec;
let cli: PrismProcess;
let library: Mock;

beforeAll(async () => {
  // The CLI serves the very document the mock's Prism serves (the mock's prepared copy of the bundle).
  served = await prepareSpec(bundlePath('json'));
  [cli, library] = await Promise.all([
    startPrism({ spec: served.path, host: '127.0.0.1', port: 0, dynamic: false, errors: false, logLevel: 'silent' }),
    startMock(),
  ]);
});
afterAll(async () => {
  await Promise.all([cli?.stop(), library?.stop()]);
  await served?.dispose();
});

async function answer(mock: { url: string }, request: ReturnType<typeof validRequest>, headers: Record<string, string> = {}) {
  const response = await fetch(`${mock.url}${request.path}`, {
    method: request.method,
    headers: { ...AUTH, ...(request.body ? { 'content-type': 'application/json' } : {}), ...request.headers, ...headers },
    body: request.body,
  });
  return `${response.status} ${response.headers.get('content-type')}\n${await response.text()}`;
}

describe('the mock (Prism in process)', { timeout: 60_000 }, () => {
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

  it('reloads a saved spec, answering every request meanwhile', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'payouts-mock-inprocess-'));
    const file = join(dir, 'openapi.json');
    const original = await readFile(bundlePath('json'), 'utf8');
    await writeFile(file, original);
    const mock = await startMock({ spec: file });
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
