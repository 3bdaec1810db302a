import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode } from '@payouts/process';
import { expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
// vitest's own bin (the package exports no path to it, so it is found beside its package.json).
const VITEST = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

interface JsonReport {
  testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
}

it('the example caller suite: the typed request passes, the wrong body fails naming the field', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'payouts-mock-example-'));
  try {
    const report = join(folder, 'report.json');
    const { code } = await runNode([VITEST, 'run', '--config', 'examples/vitest.config.ts', '--reporter=json', `--outputFile=${report}`], {
      cwd: PACKAGE_DIR,
    });
    expect(code).toBe(1);
    const results = (JSON.parse(await readFile(report, 'utf8')) as JsonReport).testResults.flatMap((file) => file.assertionResults);
    expect(results.map(({ title, status }) => [title, status])).toEqual([
      ['disburses a booked loan', 'passed'],
      ['disburses a loan read from a CSV row', 'failed'],
    ]);
    expect(results[1]!.failureMessages[0]).toContain(
      'the mock saw 1 contract violation:\n  - createPayout (POST /v1/lms/payouts/ -> 400): body amount: must be integer',
    );
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
