// pnpm spec:diff as a person and a tool run it: the built CLI in a child process, its output and exit codes.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode } from '@payouts/process';
import { releasePath, releases } from '@payouts/spec';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const scratch = await mkdtemp(join(tmpdir(), 'payouts-diff-cli-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

// The newest release, and the versions around it: behind its next major, and that major.
const NEWEST = releases().at(-1)!;
const MAJOR = Number(NEWEST.split('.')[0]);
const BEHIND = `${MAJOR}.1.0`;
const NEXT_MAJOR = `${MAJOR + 1}.0.0`;
const released = JSON.parse(await readFile(releasePath(NEWEST), 'utf8'));

/** The release with `utr` gone from every payout, at the version given. */
async function withoutUtr(version: string): Promise<string> {
  const spec = structuredClone(released);
  delete spec.components.schemas.Payout.properties.utr;
  spec.components.schemas.Payout.required = spec.components.schemas.Payout.required.filter((name: string) => name !== 'utr');
  spec.info.version = version;
  const file = join(scratch, `without-utr-${version}.json`);
  await writeFile(file, JSON.stringify(spec));
  return file;
}

const spawn = (args: string[]) => runNode([CLI, ...args], { timeoutMs: 120_000 });

describe('pnpm spec:diff', { timeout: 180_000 }, () => {
  it('prints exactly {bump, changes} with --json, and exits 1 once --fail-on is met', async () => {
    const head = await withoutUtr(NEWEST);
    const { code, stdout } = await spawn(['--head', head, '--json', '--no-consumers']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(Object.keys(result)).toEqual(['bump', 'changes']);
    expect(result.bump).toBe('major');
    for (const change of result.changes) expect(Object.keys(change)).toEqual(['operationId', 'location', 'impact', 'audiences', 'message']);
    expect((await spawn(['--head', head, '--no-consumers', '--fail-on', 'major'])).code).toBe(1);
    expect((await spawn(['--base', head, '--head', head, '--no-consumers', '--fail-on', 'patch'])).code).toBe(0);
  });

  it('prints each change once with the operations it reaches, its impact, who it breaks and where', async () => {
    const { code, stdout } = await spawn(['--base', NEWEST, '--head', await withoutUtr(NEXT_MAJOR)]);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^spec:diff v${NEWEST} -> .*without-utr-${NEXT_MAJOR}\\.json: major bump\n`));
    expect(stdout).toContain(
      [
        '\nmajor  breaks callers  createPayout, listPayouts, listUnmatchedPayouts, processPayout, retryFailedPayout',
        '       Field `utr` of `Payout` was removed (response).',
        '       at #/components/schemas/Payout/properties/utr\n',
      ].join('\n'),
    );
    expect(stdout).toMatch(
      /The example consumer no longer compiles \(in toLedgerLine\): Property 'utr' does not exist[^\n]*\n\s+at consumers\/caller\.ts:\d+/,
    );
  });

  it('takes a git ref as the base, building the spec as it was there', async () => {
    const { code, stdout, stderr } = await spawn(['--base', 'HEAD', '--head', releasePath('1.0.0'), '--no-consumers']);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^spec:diff HEAD \([0-9a-f]{7}\) -> .*1\.0\.0\.json: /);
  });

  it('fails the version check while info.version is behind the changes, naming them, and passes once bumped', async () => {
    const behind = await spawn(['--check-version', '--head', await withoutUtr(BEHIND)]);
    expect(behind.code).toBe(1);
    expect(behind.stderr).toContain(
      `the spec has major changes against v${NEWEST}, but info.version is ${BEHIND}: set it to ${NEXT_MAJOR}`,
    );
    expect(behind.stderr).toContain(
      '  - retryFailedPayout: Field `utr` of `Payout` was removed (response). [#/components/schemas/Payout/properties/utr]',
    );
    const bumped = await spawn(['--check-version', '--head', await withoutUtr(NEXT_MAJOR)]);
    expect(bumped.code, bumped.stderr).toBe(0);
    expect(bumped.stdout).toContain(`info.version ${NEXT_MAJOR} keeps up with the changes since v${NEWEST} (a major bump)`);
  });

  it('refuses what it cannot compare, saying what it takes', async () => {
    const unknown = await spawn(['--base', 'no-such-ref']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      `--base no-such-ref is not a release (${releases().join(', ')}), an existing file, or a git ref of this repository`,
    );
    expect((await spawn(['--base', '9.9.9'])).stderr).toContain('no release 9.9.9');
    expect((await spawn(['--fail-on', 'huge'])).stderr).toMatch(/--fail-on "huge" is not one of major, minor, patch\n\nUsage:/);
  });
});
