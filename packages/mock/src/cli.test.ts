import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { childProcesses, isAlive, isPortFree } from '@payouts/process';
import { describe, expect, it } from 'vitest';
import { operations } from './test-support/spec.js';

// The built CLI, as `pnpm mock` runs it.
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function runCli(args: string[]) {
  const cli = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  cli.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  cli.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  const exited = once(cli, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { cli, output, exited };
}

async function waitForOutput(cli: ChildProcess, output: { stdout: string }, text: string): Promise<void> {
  while (!output.stdout.includes(text)) {
    if (cli.exitCode !== null) throw new Error(`the CLI exited first:\n${output.stdout}`);
    await once(cli.stdout!, 'data');
  }
}

describe('pnpm mock', () => {
  it('prints its URL and the seven operations, prints violations as they happen, and stops cleanly on Ctrl-C', async () => {
    const { cli, output, exited } = runCli(['--port', '0']);
    await waitForOutput(cli, output, 'Ctrl-C stops.');
    const url = /listening on (http:\/\/127\.0\.0\.1:(\d+)) \(static examples\)/.exec(output.stdout);
    expect(url).not.toBeNull();
    for (const { method, path, operationId } of operations) {
      expect(output.stdout).toMatch(new RegExp(`^  ${method} +${path.replace(/[{}]/g, '\\$&')} +${operationId}$`, 'm'));
    }
    const [prismPid] = childProcesses(cli.pid!, 'prism-cli');

    const answer = await fetch(`${url![1]}/v1/lms/payouts/?ordering=newest`, { headers: { authorization: 'Bearer t' } });
    expect(answer.status).toBe(400);
    await waitForOutput(cli, output, 'violation: listPayouts (GET /v1/lms/payouts/ -> 400): query ordering:');

    cli.kill('SIGINT');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output.stdout).toContain('mock stopped');
    expect(isAlive(prismPid!)).toBe(false);
    expect(await isPortFree(Number(url![2]))).toBe(true);
  });

  it('says clearly when the port is taken', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const port = (taken.address() as { port: number }).port;
    try {
      const { output, exited } = runCli(['--port', String(port)]);
      const [code] = await exited;
      expect(code).toBe(1);
      expect(output.stderr.trim()).toBe(`port ${port} is in use on 127.0.0.1: pass another with --port (0 picks a free one)`);
    } finally {
      taken.close();
    }
  });

  it.each([
    [['--port', 'http'], '--port must be a whole number from 0 to 65535, got "http"'],
    [['--seed', '7'], '--seed only applies with --dynamic'],
    [['--verbose'], "Unknown option '--verbose'"],
  ])('rejects %j with a message and the usage', async (args, message) => {
    const { output, exited } = runCli(args);
    const [code] = await exited;
    expect(code).toBe(2);
    expect(output.stderr).toContain(message);
    expect(output.stderr).toContain('Usage: pnpm mock');
  });
});
