// The build is the gate every consumer relies on: a broken spec must fail it loudly, naming the
// file and the place, and must never replace the last good artifact.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from '@payouts/process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildSpec } from './build.mjs';
import { copySources } from './index.mjs';

const packageDir = new URL('..', import.meta.url).pathname;
let specDir: string;

/** `pnpm build` as a person runs it: the command, its exit and what it prints. */
async function build() {
  return runNode([join(packageDir, 'src/build.mjs'), specDir]);
}

/**
 * The same build in this process (what the command runs, and what `pnpm dev` keeps warm): for the
 * failures that only the report's words tell apart. A child process each cost 2-2.5 CPU-seconds.
 */
async function buildHere() {
  const { ok, report } = await buildSpec(specDir);
  return { ok, output: report };
}

async function edit(file: string, from: string | RegExp, to: string) {
  const path = join(specDir, file);
  const before = await readFile(path, 'utf8');
  const after = before.replace(from, to);
  expect(after, `edit did not apply to ${file}`).not.toBe(before);
  await writeFile(path, after);
}

beforeEach(async () => {
  specDir = await mkdtemp(join(tmpdir(), 'payouts-spec-'));
  await copySources(specDir);
});
afterEach(() => rm(specDir, { recursive: true, force: true }));

describe('spec build', () => {
  it('bundles the sources into dist/openapi.yaml and dist/openapi.json', async () => {
    const result = await build();
    expect(result).toMatchObject({ ok: true });
    const bundle = JSON.parse(await readFile(join(specDir, 'dist/openapi.json'), 'utf8'));
    // Every path the root document lists, bundled.
    const root = parse(await readFile(join(specDir, 'openapi/openapi.yaml'), 'utf8'));
    expect(Object.keys(bundle.paths)).toEqual(Object.keys(root.paths));
    expect(await readFile(join(specDir, 'dist/openapi.yaml'), 'utf8')).toContain('operationId: processPayout');
  });

  it('fails on a broken $ref, naming the file, line and target', async () => {
    await edit('openapi/paths/payouts_{id}_retry.yaml', 'schemas/Payout.yaml', 'schemas/Payuot.yaml');
    const { ok, output } = await buildHere();
    expect(ok).toBe(false);
    expect(output).toMatch(/openapi\/paths\/payouts_\{id\}_retry\.yaml:\d+:\d+/);
    expect(output).toContain('Payuot.yaml');
  });

  it('fails on an example that does not match its schema, naming the file and the field', async () => {
    await edit('openapi/components/examples/PendingPayout.yaml', 'amount: 120000', "amount: '120000'");
    const { ok, output } = await buildHere();
    expect(ok).toBe(false);
    // The example's own file and line, where the wrong value is written.
    expect(output).toMatch(/openapi\/components\/examples\/PendingPayout\.yaml:\d+:\d+/);
    expect(output).toMatch(/amount.*must be integer|must be integer.*amount/s);
  });

  it('fails when an operation the spec must have is missing, naming it', async () => {
    await edit('openapi/openapi.yaml', / {2}\/v1\/lms\/payouts\/unmatched\/:\n {4}\$ref: paths\/payouts_unmatched.yaml\n/, '');
    await rm(join(specDir, 'openapi/paths/payouts_unmatched.yaml'));
    const { ok, output } = await buildHere();
    expect(ok).toBe(false);
    expect(output).toContain(
      'openapi/openapi.yaml at #/paths/~1v1~1lms~1payouts~1unmatched~1: missing operation GET /v1/lms/payouts/unmatched/ (listUnmatchedPayouts)',
    );
  });

  it('keeps the last good dist when a build fails', async () => {
    expect(await build()).toMatchObject({ ok: true });
    const good = await readFile(join(specDir, 'dist/openapi.json'), 'utf8');
    await edit('openapi/paths/payouts_callback.yaml', 'operationId: receivePayoutCallback', 'operationId: ReceivePayoutCallback');
    const { ok, output } = await build();
    expect(ok).toBe(false);
    expect(output).toContain('rule/operation-id-camel-case');
    expect(await readFile(join(specDir, 'dist/openapi.json'), 'utf8')).toBe(good);
  });
});
