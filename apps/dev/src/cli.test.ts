// What pnpm dev refuses before it builds anything: each mistake named, with the usage.
import { fileURLToPath } from 'node:url';
import { runNode } from '@payouts/process';
import { expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

it.each([
  [['--docs-port', 'abc'], '--docs-port must be a whole number from 0 to 65535, got "abc"'],
  [['--mock-port', '70000'], '--mock-port must be a whole number from 0 to 65535, got "70000"'],
  [['--serve', 'docs,wiki'], '--serve takes a comma-separated list of docs, mock, sandbox; got "docs,wiki"'],
  [['--colour'], "Unknown option '--colour'"],
])('refuses %j with a clear message and the usage', async (args, message) => {
  const { code, stderr } = await runNode([CLI, ...args], { timeoutMs: 15_000 });
  expect(code).toBe(2);
  expect(stderr).toContain(message);
  expect(stderr).toContain('Usage: pnpm dev');
});
