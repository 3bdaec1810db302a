// The CLI as a person runs it: it prints its URL and tokens, takes several tokens, seeds demo
// data, and refuses a taken port or a bad flag with a message that says what to do.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, spawnSandbox } from './test-support/process.js';
import type { PayoutPage, PayoutStatus } from './types.js';

describe('pnpm sandbox (dist/cli.js)', () => {
  it('prints its URL and the default dev token, and answers with that token', async () => {
    const sandbox = await spawnSandbox(['--port', '0', '--quiet']);
    try {
      expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sandbox.output()).toContain('Authorization: Bearer sandbox-dev-token');
      expect(sandbox.output()).toContain('in memory');
      const listed = await sandbox.call('GET', '/v1/lms/payouts/', { token: 'sandbox-dev-token' });
      expect(listed.status).toBe(200);
    } finally {
      expect(await sandbox.stop()).toBe(0);
    }
  });

  it('accepts every --token given, and only those; --seed-demo shows payouts in every status', async () => {
    const sandbox = await spawnSandbox(['--port', '0', '--token', 'alice', '--token', 'bob', '--seed-demo']);
    try {
      expect((await sandbox.call('GET', '/v1/lms/payouts/', { token: 'alice' })).status).toBe(200);
      expect((await sandbox.call('GET', '/v1/lms/payouts/', { token: 'bob' })).status).toBe(200);
      expect((await sandbox.call('GET', '/v1/lms/payouts/', { token: 'sandbox-dev-token' })).status).toBe(401);
      const page = (await sandbox.call<PayoutPage>('GET', '/v1/lms/payouts/?page_size=100', { token: 'alice' })).body;
      const seen = new Set<PayoutStatus>(page.results.map((p) => p.status));
      expect([...seen].sort()).toEqual(['failed', 'initiated', 'pending', 'processed', 'reversed']);
      const unmatched = (await sandbox.call<PayoutPage>('GET', '/v1/lms/payouts/unmatched/', { token: 'alice' })).body;
      const processed = page.results.filter((p) => p.status === 'processed');
      expect(unmatched.count).toBe(processed.length - 1); // one demo payout is matched to a statement line
      expect(sandbox.output()).toMatch(/demo: \d+ payouts in every status/);
      // Without --quiet, one line per request.
      expect(sandbox.output()).toMatch(/GET \/v1\/lms\/payouts\/\?page_size=100 200 /);
    } finally {
      await sandbox.stop();
    }
  });

  it('takes tokens from --token-file or PAYOUTS_TOKEN, never prints them whole, and warns of secrets in argv', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'payouts-sandbox-tokens-'));
    const file = join(dir, 'tokens');
    await writeFile(file, '# CI tokens\nci-token-0123456789abcd\n\nsecond-token-abcdefgh # for the nightly job\n');
    const fromFile = await spawnSandbox(['--port', '0', '--quiet', '--token-file', file]);
    const fromEnvironment = await spawnSandbox(['--port', '0', '--quiet'], { PAYOUTS_TOKEN: 'env-token-0123456789' });
    const inArgv = await spawnSandbox(['--port', '0', '--quiet', '--token', 'argv-token-0123456789', '--callback-secret', 'argv-secret']);
    try {
      for (const token of ['ci-token-0123456789abcd', 'second-token-abcdefgh'])
        expect((await fromFile.call('GET', '/v1/lms/payouts/', { token })).status).toBe(200);
      expect((await fromFile.call('GET', '/v1/lms/payouts/', { token: 'sandbox-dev-token' })).status).toBe(401);
      expect(fromFile.output()).toContain('Bearer ****abcd');
      expect(fromFile.output()).not.toContain('ci-token-0123456789abcd');
      expect(fromFile.output()).toContain('try: curl -H "Authorization: Bearer $PAYOUTS_TOKEN"');
      expect((await fromEnvironment.call('GET', '/v1/lms/payouts/', { token: 'env-token-0123456789' })).status).toBe(200);
      expect(fromEnvironment.output()).not.toContain('env-token-0123456789');
      expect(inArgv.output()).toContain(
        'warning: --token is visible to every user of this machine (ps); pass it through --token-file or PAYOUTS_TOKEN instead',
      );
      expect(inArgv.output()).toContain('warning: --callback-secret is visible');
      expect(inArgv.output()).not.toContain('argv-token-0123456789');
    } finally {
      await Promise.all([fromFile.stop(), fromEnvironment.stop(), inArgv.stop()]);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says so when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = await runCli(['--port', String(port)]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`port ${port} is in use on 127.0.0.1: pass another with --port (0 picks a free one)`);
    } finally {
      blocker.close();
    }
  });

  it('refuses a bad flag or port with the usage', async () => {
    const unknown = await runCli(['--prot', '1']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--prot'[\s\S]*Usage: pnpm sandbox/);
    const badPort = await runCli(['--port', 'http']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('--port must be a whole number from 0 to 65535, got "http"');
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--seed-demo');
    // `pnpm sandbox -- --help` hands the CLI pnpm's `--` too.
    const afterPnpm = await runCli(['--', '--help']);
    expect(afterPnpm.code, afterPnpm.stderr).toBe(0);
    expect(afterPnpm.stdout).toBe(help.stdout);
  });

  it('refuses the development token beyond loopback, naming the flag that fixes it', async () => {
    const run = await runCli(['--port', '0', '--host', '0.0.0.0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('refusing to listen on 0.0.0.0 with the well-known development token "sandbox-dev-token"');
    expect(run.stderr).toContain('(--token)');
  });

  it('names the file it cannot open', async () => {
    const run = await runCli(['--port', '0', '--db', '/nonexistent-dir/x.db']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cannot open the database /nonexistent-dir/x.db');
  });
});
