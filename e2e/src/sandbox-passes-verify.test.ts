// The contract verifier against the sandbox, as CI runs it on a provider: every check must pass.
import { createRequire } from 'node:module';
import { runNode } from '@payouts/process';
import { startTestSandbox, type TestSandbox, TOKEN } from '@payouts/sandbox/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

const VERIFY_CLI = createRequire(import.meta.url).resolve('@payouts/verify/cli');

let sandbox: TestSandbox;

beforeAll(async () => {
  sandbox = await startTestSandbox({ seedDemo: true });
});

afterAll(async () => {
  await sandbox?.dispose();
});

it('passes the contract verifier with zero failures', async () => {
  const { code, output } = await runNode([VERIFY_CLI, '--base-url', sandbox.url], { env: { PAYOUTS_TOKEN: TOKEN } });
  expect(output).toMatch(/PASS: \d+ passed, 0 failed/);
  expect(code, output).toBe(0);
});
