// The contract verifier (packages/verify) against the sandbox, as CI runs it on a provider:
// every check must pass. Turbo builds the verifier before this package's tests (turbo.json); it
// is not a dependency because the verifier's own tests use the sandbox as their provider.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TOKEN, startTestSandbox, type TestSandbox } from './test-support/sandbox.js';

const VERIFY_CLI = fileURLToPath(new URL('../../../packages/verify/dist/cli.js', import.meta.url));

let sandbox: TestSandbox;

beforeAll(async () => {
  sandbox = await startTestSandbox({ seedDemo: true });
});

afterAll(async () => {
  await sandbox?.dispose();
});

it('passes the contract verifier with zero failures', { timeout: 120_000 }, async () => {
  expect(existsSync(VERIFY_CLI), `${VERIFY_CLI} is missing: pnpm exec turbo run build --filter=@payouts/verify`).toBe(true);
  const child = spawn(process.execPath, [VERIFY_CLI, '--base-url', sandbox.url, '--token', TOKEN], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(output).toMatch(/PASS: \d+ passed, 0 failed/);
  expect(code, output).toBe(0);
});
