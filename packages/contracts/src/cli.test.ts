// `pnpm contracts verify` and `pnpm can-i-deploy` as CI and people run them, on real pact files
// written by pact-js (testing.ts: four consumers, one wrong from the start).
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode } from '@payouts/process';
import { loadSpec } from '@payouts/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeExamplePacts } from './testing.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const VERSION = String(loadSpec().document.info?.version);
let dir: string;
let all: string;
let good: string;

const contracts = (...args: string[]) => runNode([CLI, ...args]);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'payouts-contracts-cli-'));
  all = join(dir, 'all');
  good = join(dir, 'good');
  await writeExamplePacts(all);
  await mkdir(good);
  for (const name of ['collections-app', 'ledger-sync', 'loan-service'])
    await copyFile(join(all, `${name}-payouts-api.json`), join(good, `${name}.json`));
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

// Each test runs the CLI several times: generous limits for a loaded CI machine.
describe('pnpm contracts verify', { timeout: 60_000 }, () => {
  it('--json prints exactly the documented shape, and exits 1 while a consumer is incompatible', async () => {
    const result = await contracts('verify', '--contracts', all, '--json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual(['spec_version', 'consumers']);
    expect(report.spec_version).toBe(VERSION);
    expect(report.consumers.map((c: { name: string; compatible: boolean }) => [c.name, c.compatible])).toEqual([
      ['collections-app', true],
      ['ledger-sync', true],
      ['loan-service', true],
      ['reporting-job', false],
    ]);
    const reporting = report.consumers[3];
    expect(Object.keys(reporting)).toEqual(['name', 'file', 'compatible', 'interactions']);
    expect(reporting.file).toBe(join(all, 'reporting-job-payouts-api.json'));
    expect(reporting.interactions).toEqual([
      {
        description: 'lists payouts in rupees',
        operationId: 'listPayouts',
        compatible: false,
        problems: [
          {
            location: 'request.query.currency',
            message: 'listPayouts has no query parameter `currency`: the provider ignores it, so what it asks for silently does not happen',
          },
          {
            location: 'response.body.results[].currency',
            message: "is not declared by the spec's schema here, so the provider does not promise it",
          },
        ],
      },
    ]);
  });

  it('says each consumer is compatible and exits 0 when all are', async () => {
    const result = await contracts('verify', '--contracts', good);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`contracts verify: 3 consumers against the spec ${VERSION}: all compatible`);
    expect(result.stdout).toContain('✓ loan-service');
  });

  it('judges against a released version with --spec VERSION', async () => {
    const result = await contracts('verify', '--contracts', good, '--spec', '1.0.0', '--json');
    expect(JSON.parse(result.stdout).spec_version).toBe('1.0.0');
  });

  it.each([
    ['an unknown spec version', ['--spec', '9.9.9'], /--spec 9\.9\.9: no release 9\.9\.9/],
    ['a missing directory', ['--contracts', '/nonexistent/contracts'], /the contracts directory \/nonexistent\/contracts does not exist/],
    ['an unknown command', ['publish'], /unknown command "publish"/],
  ])('exits 2 on %s, naming it', async (_, args, message) => {
    const result = await contracts(...(args[0] === 'publish' ? args : ['verify', '--contracts', good, ...args]));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it.each([
    ['not JSON', '{"consumer": ', /broken\.json is not a Pact file: it is not JSON/],
    ['not a pact', '{"name": "x"}', /broken\.json is not a Pact file: it has no consumer\.name/],
    [
      'a pact of an unknown version',
      '{"consumer":{"name":"x"},"interactions":[],"metadata":{"pactSpecification":{"version":"9.0.0"}}}',
      /version 9\.0\.0 is not one of 1, 2, 3, 4/,
    ],
    [
      'an interaction with no request',
      '{"consumer":{"name":"x"},"interactions":[{"description":"d","response":{"status":200}}]}',
      /"d": it has no request/,
    ],
  ])('exits 2 on a contract that is %s, naming the file', async (_, text, message) => {
    const bad = await mkdtemp(join(dir, 'bad-'));
    await writeFile(join(bad, 'broken.json'), text);
    const result = await contracts('verify', '--contracts', bad);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('exits 2 when two files hold one consumer', async () => {
    const twice = await mkdtemp(join(dir, 'twice-'));
    await copyFile(join(good, 'loan-service.json'), join(twice, 'a.json'));
    await copyFile(join(good, 'loan-service.json'), join(twice, 'b.json'));
    const result = await contracts('verify', '--contracts', twice);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/a\.json and .*b\.json both hold the contract of loan-service/);
  });
});

describe('pnpm can-i-deploy', { timeout: 60_000 }, () => {
  const verification = async (report: object) => {
    const file = join(await mkdtemp(join(dir, 'verify-')), 'verify.json');
    await writeFile(file, JSON.stringify(report));
    return file;
  };
  const passed = { baseUrl: 'http://127.0.0.1:4030', specVersion: VERSION, passed: 12, failed: 0, checks: [{ passed: true }], skipped: [] };

  it('says yes, with the consumer x operation matrix, when every consumer is compatible', async () => {
    const result = await contracts('can-i-deploy', '--contracts', good);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    const header = lines.find((l) => l.includes('createPayout'))!;
    expect(header.trim().split(/\s+/)).toEqual(loadSpecOperationIds());
    const row = lines.find((l) => l.startsWith('loan-service'))!;
    const cell = (operationId: string) => row.slice(header.indexOf(operationId), header.indexOf(operationId) + 1);
    expect([cell('listPayouts'), cell('createPayout'), cell('processPayout')]).toEqual(['✓', '✓', '·']);
    expect(result.stdout).toContain(`can-i-deploy: yes: every registered consumer is compatible with ${VERSION}`);
  });

  it('says no, naming the consumer that would break and why', async () => {
    const result = await contracts('can-i-deploy', '--contracts', all);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^reporting-job +✗/m);
    expect(result.stdout).toContain('request.query.currency: listPayouts has no query parameter `currency`');
    expect(result.stdout).toContain('can-i-deploy: no: reporting-job would break');
  });

  it('asks the provider verification to have passed against the same spec version', async () => {
    expect((await contracts('can-i-deploy', '--contracts', good, '--verification', await verification(passed))).code).toBe(0);
    const older = await contracts(
      'can-i-deploy',
      '--contracts',
      good,
      '--verification',
      await verification({ ...passed, specVersion: '1.0.0' }),
    );
    expect(older.code).toBe(1);
    expect(older.stdout).toMatch(new RegExp(`verified the spec 1\\.0\\.0, not ${VERSION.replace(/\./g, '\\.')}`));
    const failed = await contracts('can-i-deploy', '--contracts', good, '--verification', await verification({ ...passed, failed: 2 }));
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('the provider failed 2 of its verification checks');
    const garbage = await contracts('can-i-deploy', '--contracts', good, '--verification', await verification({ hello: 1 }));
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toContain('is not a pnpm verify --json report');
  });
});

function loadSpecOperationIds(): string[] {
  const document = loadSpec().document;
  return Object.values(document.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((item) =>
    Object.values(item).flatMap((op) => (typeof op === 'object' && op?.operationId ? [op.operationId] : [])),
  );
}
