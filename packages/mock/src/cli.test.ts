import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childProcesses, descendantsOf, isAlive, listeningPorts, runNode, startProcess, waitFor } from '@payouts/process';
import { describe, expect, it } from 'vitest';
import { operations } from './test-support/spec.js';

// The built CLI, as `pnpm mock` runs it.
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

const runCli = (args: string[]) => runNode([CLI, ...args], { timeoutMs: 30_000 });

describe('pnpm mock', () => {
  it('prints its URL and the operations of the spec, prints violations as they happen, and stops cleanly on Ctrl-C', async () => {
    const mock = await startProcess(process.execPath, [CLI, '--port', '0'], /Ctrl-C stops\./);
    const url = /listening on (http:\/\/127\.0\.0\.1:(\d+)) \(static examples\)/.exec(mock.output());
    expect(url).not.toBeNull();
    for (const { method, path, operationId } of operations) {
      expect(mock.output()).toMatch(new RegExp(`^  ${method} +${path.replace(/[{}]/g, '\\$&')} +${operationId}$`, 'm'));
    }
    expect(childProcesses(mock.child.pid!, 'prism-cli')).toEqual([]); // Prism runs in the mock's own process

    const answer = await fetch(`${url![1]}/v1/lms/payouts/?ordering=newest`, { headers: { authorization: 'Bearer t' } });
    expect(answer.status).toBe(400);
    expect(await waitFor(() => mock.output().includes('violation: listPayouts (GET /v1/lms/payouts/ -> 400): query ordering:'))).toBe(true);

    const { code } = await mock.stop('SIGINT');
    expect(code).toBe(0);
    expect(mock.output()).toContain('mock stopped');
    // Nothing it started still listens (the freed port itself may go to another test file's mock).
    const ours = [mock.child.pid!, ...descendantsOf(process.pid)].filter(isAlive).flatMap(listeningPorts);
    expect(ours).not.toContain(Number(url![2]));
  });

  it('--record-contract writes what the caller relied on as the contract of --consumer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'payouts-mock-record-'));
    try {
      const file = join(dir, 'loan-service.json');
      const mock = await startProcess(
        process.execPath,
        [CLI, '--port', '0', '--record-contract', file, '--consumer', 'loan-service'],
        /Ctrl-C stops\./,
      );
      expect(mock.output()).toContain(`Recording the contract of loan-service in ${file}.`);
      const url = /listening on (http:\/\/\S+) /.exec(mock.output())![1];
      expect((await fetch(`${url}/v1/lms/payouts/?status=failed`, { headers: { authorization: 'Bearer t' } })).status).toBe(200);
      expect((await mock.stop('SIGINT')).code).toBe(0);
      const pact = JSON.parse(await readFile(file, 'utf8'));
      expect(pact.consumer).toEqual({ name: 'loan-service' });
      expect(pact.interactions.map((i: { request: object; response: { status: number } }) => [i.request, i.response.status])).toEqual([
        [{ method: 'GET', path: '/v1/lms/payouts/', query: { status: ['failed'] }, headers: { Authorization: ['Bearer <token>'] } }, 200],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says clearly when the port is taken', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const port = (taken.address() as { port: number }).port;
    try {
      const { code, stderr } = await runCli(['--port', String(port)]);
      expect(code).toBe(1);
      expect(stderr.trim()).toBe(`port ${port} is in use on 127.0.0.1: pass another with --port (0 picks a free one)`);
    } finally {
      taken.close();
    }
  });

  it.each([
    [['--port', 'http'], '--port must be a whole number from 0 to 65535, got "http"'],
    [['--seed', '7'], '--seed only applies with --dynamic'],
    [['--verbose'], "Unknown option '--verbose'"],
    [['--record-contract', 'x.json'], '--record-contract FILE and --consumer NAME go together'],
    [['--consumer', 'loan-service'], '--record-contract FILE and --consumer NAME go together'],
  ])('rejects %j with a message and the usage', async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).toContain('Usage: pnpm mock');
  });
});
