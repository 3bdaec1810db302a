import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const VITEST = join(PACKAGE_DIR, 'node_modules', 'vitest', 'vitest.mjs');

interface JsonReport {
  testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
}

it('the example caller suite: the typed request passes, the wrong body fails naming the field', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'payouts-mock-example-'));
  try {
    const report = join(folder, 'report.json');
    const exitCode = await new Promise<number | null>((resolve) => {
      const args = [VITEST, 'run', '--config', 'examples/vitest.config.ts', '--reporter=json', `--outputFile=${report}`];
      execFile(process.execPath, args, { cwd: PACKAGE_DIR }, (error) => resolve(error ? ((error.code as number | undefined) ?? null) : 0));
    });
    expect(exitCode).toBe(1);
    const results = (JSON.parse(await readFile(report, 'utf8')) as JsonReport).testResults.flatMap((file) => file.assertionResults);
    expect(results.map(({ title, status }) => [title, status])).toEqual([
      ['disburses a booked loan', 'passed'],
      ['disburses a loan read from a CSV row', 'failed'],
    ]);
    expect(results[1]!.failureMessages[0]).toContain(
      'the mock saw 1 contract violation:\n  - createPayout (POST /v1/lms/payouts/ -> 400): body amount: Request body property amount must be integer',
    );
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
