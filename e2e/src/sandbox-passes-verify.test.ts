// The contract verifier against the sandbox, as CI runs it on a provider: every check must pass.
import { createRequire } from 'node:module';
import { runNode } from '@payouts/process';
import { CALLBACK_SECRET, startTestSandbox, type TestSandbox, TOKEN } from '@payouts/sandbox/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

const VERIFY_CLI = createRequire(import.meta.url).resolve('@payouts/verify/cli');

let sandbox: TestSandbox;

beforeAll(async () => {
  sandbox = await startTestSandbox({ seedDemo: true });
});

afterAll(async () => {
  await sandbox?.dispose();
});

it('passes the contract verifier with zero failures and nothing skipped', async () => {
  const env = { PAYOUTS_TOKEN: TOKEN, PAYOUTS_CALLBACK_SECRET: CALLBACK_SECRET };
  const { code, output } = await runNode([VERIFY_CLI, '--base-url', sandbox.url], { env });
  expect(output).toMatch(/PASS: \d+ passed, 0 failed, \d+ requests/);
  expect(code, output).toBe(0);
});
