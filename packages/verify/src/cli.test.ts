// The command as a person runs it: the built CLI in a child process, its exit code, what it
// prints, and the JUnit/JSON files it writes.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode } from '@payouts/process';
import { startSandbox } from '@payouts/sandbox';
import { loadSpec } from '@payouts/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from './report.js';
import { startBugProxy } from './test-support/bug-proxy.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const TOKEN = 'verify-cli-token';
const CALLBACK_SECRET = 'verify-cli-callback-secret';

/**
 * The CLI with the token in PAYOUTS_TOKEN and the callback secret in PAYOUTS_CALLBACK_SECRET, as
 * CI would give them (null for none).
 */
async function runCli(
  args: string[],
  { token = TOKEN as string | null, callbackSecret = CALLBACK_SECRET as string | null } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { PAYOUTS_TOKEN: token ?? '', PAYOUTS_CALLBACK_SECRET: callbackSecret ?? '' };
  const { code, stdout, stderr } = await runNode([CLI, ...args], { timeoutMs: 90_000, env });
  return { code, stdout, stderr };
}

/** A port nothing listens on: bound, read back, released. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

let sandbox: { url: string; stop(): Promise<void> };
let outDir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, tokens: [TOKEN], callbackSecrets: [CALLBACK_SECRET] });
  outDir = await mkdtemp(join(tmpdir(), 'verify-cli-test-'));
});
afterAll(async () => {
  await sandbox?.stop();
  await rm(outDir, { recursive: true, force: true });
});

describe('pnpm verify', () => {
  it('takes the token from a file, or from --token with a warning that others can read it', async () => {
    const file = join(outDir, 'token');
    await writeFile(file, `${TOKEN}\n`);
    const fromFile = await runCli(['--base-url', sandbox.url, '--only', 'listPayouts', '--token-file', file], { token: null });
    expect(fromFile).toMatchObject({ code: 0, stderr: '' });
    const fromFlag = await runCli(['--base-url', sandbox.url, '--only', 'listPayouts', '--token', TOKEN], { token: null });
    expect(fromFlag.code).toBe(0);
    expect(fromFlag.stderr).toBe(
      'verify: warning: --token puts the token on the command line, where every user of this machine can read it; set PAYOUTS_TOKEN or use --token-file\n',
    );
  });

  it('without the callback secret, skips what needs a signed callback and lists it; a secret file runs them', async () => {
    const unsigned = await runCli(['--base-url', sandbox.url, '--only', 'receivePayoutCallback'], { callbackSecret: null });
    expect(unsigned.code, unsigned.stdout).toBe(0);
    expect(unsigned.stdout).toContain("Skipped (give the provider's callback secret in PAYOUTS_CALLBACK_SECRET to run them):");
    expect(unsigned.stdout).toContain('  - Respect payouts-lifecycle.arazzo.yaml > paid-by-callback (sends signed callbacks)');
    expect(unsigned.stdout).toContain("  - receivePayoutCallback: signed 360 s ago is refused (needs the provider's callback secret)");
    expect(unsigned.stdout).toMatch(/^PASS: \d+ passed, 0 failed, \d+ skipped, /m);
    // What needs no secret still runs: unsigned, malformed and wrongly signed callbacks are refused.
    expect(unsigned.stdout).toMatch(/^✓ receivePayoutCallback: 3\/3 checks passed$/m);

    const file = join(outDir, 'callback-secret');
    await writeFile(file, `${CALLBACK_SECRET}\n`);
    const signed = await runCli(['--base-url', sandbox.url, '--only', 'receivePayoutCallback', '--callback-secret-file', file], {
      callbackSecret: null,
    });
    expect(signed.code, signed.stdout).toBe(0);
    expect(signed.stdout).not.toContain('Skipped');
    expect(signed.stdout).not.toContain(CALLBACK_SECRET);
  });

  it('exits 0 against a conforming provider and writes JUnit and JSON reports', async () => {
    const junit = join(outDir, 'ok.xml');
    const json = join(outDir, 'ok.json');
    const { code, stdout, stderr } = await runCli(['--base-url', sandbox.url, '--junit', junit, '--json', json]);
    expect(stderr).toBe('');
    expect(code, stdout).toBe(0);
    expect(stdout).toMatch(/^✓ createPayout: (\d+)\/\1 checks passed$/m);
    expect(stdout).toMatch(/^PASS: \d+ passed, 0 failed, \d+ requests in [\d.]+ s$/m);
    expect(stdout).not.toContain(TOKEN);
    expect(stdout).not.toContain(CALLBACK_SECRET);

    const report = JSON.parse(await readFile(json, 'utf8')) as Report;
    expect(report).toMatchObject({ baseUrl: sandbox.url, specVersion: loadSpec().document.info.version, failed: 0, skipped: [] });
    const xml = await readFile(junit, 'utf8');
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="payouts contract verification" tests="(\d+)" failures="0"/,
    );
    // One testsuite per operation of the spec.
    expect(xml.match(/<testsuite /g)).toHaveLength(loadSpec().operations.length);
    expect(xml).not.toContain('<failure');
  });

  it('exits 1 against a broken provider and shows expected vs got with a curl line to reproduce it', async () => {
    const proxy = await startBugProxy(sandbox.url, 'wrong-type', TOKEN);
    try {
      const junit = join(outDir, 'broken.xml');
      const { code, stdout } = await runCli(['--base-url', proxy.url, '--only', 'createPayout', '--junit', junit]);
      expect(code).toBe(1);
      expect(stdout).toMatch(/^✗ createPayout: \d+\/\d+ checks passed$/m);
      expect(stdout).toMatch(
        /✗ amount: answer matches the spec\n\s+expected: documented status, content type and response schema\n\s+got:\s+201 application\/json\n\s+- amount must be integer \(got "120000"\)/,
      );
      expect(stdout).toMatch(
        /request: curl -i -X POST 'http:\/\/127\.0\.0\.1:\d+\/v1\/lms\/payouts\/' .*-H "authorization: Bearer \$TOKEN"/,
      );
      expect(stdout).not.toContain(TOKEN);
      expect(stdout).toMatch(/^FAIL: \d+ passed, [1-9]\d* failed/m);
      const xml = await readFile(junit, 'utf8');
      expect(xml).toMatch(
        /<testcase classname="createPayout" name="create: answer matches the spec \[amount\]">\n\s+<failure message="expected documented status, content type and response schema, got 201 application\/json">/,
      );
    } finally {
      await proxy.stop();
    }
  });

  it('exits 2 with a clear message when it cannot run as asked', async () => {
    expect(await runCli([])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^verify: --base-url is required\n\nUsage:/),
    });
    expect(await runCli(['--base-url', 'localhost:4020'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--base-url "localhost:4020" is not a URL: it must start with http:// or https://'),
    });
    expect(await runCli(['--base-url', sandbox.url], { token: null })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('a bearer token is required: set PAYOUTS_TOKEN, or pass --token-file FILE'),
    });
    expect(await runCli(['--base-url', sandbox.url, '--token-file', join(outDir, 'missing')], { token: null })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`--token-file ${join(outDir, 'missing')} cannot be read: ENOENT`),
    });
    expect(await runCli(['--base-url', sandbox.url, '--only', 'payAll'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        `no operation "payAll" in the spec; known: ${loadSpec()
          .operations.map((op) => op.operationId)
          .join(', ')}`,
      ),
    });
    const closed = await closedPort();
    expect(await runCli(['--base-url', `http://127.0.0.1:${closed}`])).toMatchObject({
      code: 2,
      stderr: `verify: cannot reach the provider at http://127.0.0.1:${closed}: ECONNREFUSED\n`,
    });
    expect(await runCli(['--base-url', sandbox.url], { token: 'expired' })).toMatchObject({
      code: 2,
      stderr: 'verify: the provider rejects the token: GET /v1/lms/payouts/ answered 401 (check the token)\n',
    });
    expect(await runCli(['--colour'])).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--colour'") });
  });
});
