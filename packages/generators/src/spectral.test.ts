// Spectral's OpenAPI rules and the OWASP API Security ruleset pass on the 3.1 bundle, with only the
// rules spectral.yaml turns off, each with the reason it does not apply.
import { fileURLToPath } from 'node:url';
import { run } from '@payouts/process';
import { bundlePath } from '@payouts/spec';
import { expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

it('finds nothing in the bundle, hints included', async () => {
  const linted = await run(
    `${PACKAGE_DIR}node_modules/.bin/spectral`,
    ['lint', bundlePath('json'), '--ruleset', `${PACKAGE_DIR}spectral.yaml`, '--fail-severity', 'hint'],
    { timeoutMs: 120_000 },
  );
  expect(linted.output).toContain("No results with a severity of 'hint' or higher found!");
  expect(linted.ok).toBe(true);
});

it('turns off no rule without saying why it does not apply', async () => {
  const { readFile } = await import('node:fs/promises');
  const lines = (await readFile(`${PACKAGE_DIR}spectral.yaml`, 'utf8')).split('\n');
  const unexplained = lines.filter(
    (line, index) => /: off$/.test(line) && !/^\s*#/.test(lines[index - 1] ?? '') && !/: off$/.test(lines[index - 1] ?? ''),
  );
  expect(unexplained).toEqual([]);
});
