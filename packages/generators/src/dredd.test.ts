// Dredd, as a team with an OpenAPI 3.0 toolchain would run it, against the sandbox on the 3.0.3
// bundle, with hooks for what the API decided (src/dredd-hooks.cjs: the bearer token, the
// callback signature, a key per request, the state each example request needs). Every failure
// left is one Dredd cannot judge, named here as such; none is the sandbox's or the spec's.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '@payouts/process';
import { type Sandbox, startSandbox } from '@payouts/sandbox';
import { bundlePath } from '@payouts/spec';
import { afterAll, beforeAll, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'dredd-sandbox-token';
const SECRET = 'dredd-callback-secret';

interface Outcome {
  name: string;
  status: 'pass' | 'fail' | 'skip';
  message: string;
}

/** What Dredd cannot judge, by transaction: why the failure is Dredd's, and what it says. */
const DREDD_CANNOT_JUDGE: Record<string, { why: string; says: string[] }> = {
  '/v1/lms/payouts/export/ > Export Payout for Bank > 200 > text/csv': {
    why: 'Dredd compares a CSV byte for byte with the example (other payouts, other references), and its Content-Type as a string, so the text/csv documented does not match text/csv with its charset',
    says: ['body: Actual and expected data do not match.', `headers: At '/content-type' No enum match for: "text/csv; charset=utf-8"`],
  },
};

let sandbox: Sandbox;
let workDir: string;
let outcomes: Outcome[];

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, tokens: [TOKEN], callbackSecrets: [SECRET] });
  workDir = await mkdtemp(join(tmpdir(), 'payouts-dredd-'));
  const results = join(workDir, 'results.json');
  await run(
    join(PACKAGE_DIR, 'node_modules', '.bin', 'dredd'),
    [bundlePath('yaml', '3.0'), sandbox.url, `--hookfiles=${join(PACKAGE_DIR, 'src', 'dredd-hooks.cjs')}`, '--loglevel=error'],
    {
      timeoutMs: 120_000,
      env: { DREDD_SANDBOX_URL: sandbox.url, DREDD_TOKEN: TOKEN, DREDD_CALLBACK_SECRET: SECRET, DREDD_RESULTS: results },
    },
  );
  outcomes = JSON.parse(await readFile(results, 'utf8')) as Outcome[];
});

afterAll(async () => {
  await sandbox?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

it('passes every success and 401 of every operation, but what Dredd cannot judge', () => {
  const sent = outcomes.filter((o) => o.status !== 'skip');
  expect(sent.map((o) => o.name.split(' > ').slice(1, 3).join(' '))).toEqual([
    'List Payouts 200',
    'List Payouts 401',
    'Create Payout 201',
    'Create Payout 401',
    'Process Payout 200',
    'Process Payout 401',
    'Retry Failed Payout 200',
    'Retry Failed Payout 401',
    'Payout Callback 200',
    'Payout Callback 401',
    'Unmatched Payouts 200',
    'Unmatched Payouts 401',
    'Export Payout for Bank 200',
    'Export Payout for Bank 401',
  ]);
  const failed = sent.filter((o) => o.status !== 'pass');
  expect(failed.map((o) => o.name)).toEqual(Object.keys(DREDD_CANNOT_JUDGE));
  for (const failure of failed) {
    const { why, says } = DREDD_CANNOT_JUDGE[failure.name]!;
    expect(failure.message.trim().split('\n').sort(), why).toEqual([...says].sort());
  }
});

it('skips only the examples a request of its own would be needed for (400, 403, 404, 409, 415)', () => {
  const skipped = outcomes.filter((o) => o.status === 'skip').map((o) => o.name.split(' > ')[2]);
  expect(new Set(skipped)).toEqual(new Set(['400', '403', '404', '409', '415']));
});
