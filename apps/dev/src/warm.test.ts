// The warm path writes what turbo's build writes: in a throwaway copy of the workspace, a save
// goes through the warm pipeline (and the docs page is rendered in this process, and the client
// and the React hooks built from the warm programs, as pnpm dev does), then the same spec through a
// clean turbo build, and the files must be byte-identical. A broken save names file and line and
// leaves the last good files alone.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDocs } from '@payouts/docs';
import { run } from '@payouts/process';
import { copyWorkspace } from '@payouts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientsBuild } from './clients-build.js';
import { WarmPipeline } from './warm.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const WARM_ARTIFACTS = ['spec/dist/openapi.yaml', 'spec/dist/openapi.json', 'packages/types/dist/openapi.d.ts'];
/** What the callers install: every file the client's and the hooks' builds write. */
const CALLERS_ARTIFACTS = [
  'packages/client/src/generated/operations.ts',
  'packages/client/src/generated/openapi.d.ts',
  ...['client.js', 'client.d.ts', 'types.d.ts', 'index.js', 'index.d.ts', 'generated/operations.js', 'generated/openapi.d.ts'].map(
    (file) => `packages/client/dist/${file}`,
  ),
  'packages/react/dist/index.js',
  'packages/react/dist/index.d.ts',
];
const ARTIFACTS = [...WARM_ARTIFACTS, 'packages/docs/dist/index.html', ...CALLERS_ARTIFACTS];
const BUILT = ['--filter=@payouts/types', '--filter=@payouts/docs', '--filter=@payouts/react'];
const PAGE_SIZE = 'spec/openapi/components/parameters/PageSize.yaml';

let workspace: { dir: string; remove(): Promise<void> };
let warm: WarmPipeline;
let clients: ClientsBuild;
const read = (path: string) => readFile(join(workspace.dir, path), 'utf8');
const turbo = (...args: string[]) =>
  run(join(workspace.dir, 'node_modules', '.bin', 'turbo'), ['run', 'build', '--output-logs=errors-only', ...args], {
    cwd: workspace.dir,
    env: { TURBO_TELEMETRY_DISABLED: '1', TURBO_CACHE_DIR: join(ROOT, '.turbo', 'cache') },
    timeoutMs: 300_000,
  });

beforeAll(async () => {
  workspace = await copyWorkspace(ROOT);
  const built = await turbo(...BUILT);
  if (!built.ok) throw new Error(built.output);
  warm = new WarmPipeline({ specDir: join(workspace.dir, 'spec'), typesFile: join(workspace.dir, 'packages/types/dist/openapi.d.ts') });
  clients = new ClientsBuild({
    reportDir: workspace.dir,
    clientDir: join(workspace.dir, 'packages/client'),
    reactDir: join(workspace.dir, 'packages/react'),
  });
  // Warm, as pnpm dev is when a person saves: the programs built once.
  const first = await clients.build();
  if (!first.ok) throw new Error(first.report);
}, 300_000);
afterAll(async () => {
  await warm?.close();
  await clients?.close();
  await workspace?.remove();
});

describe('the warm pipeline', { timeout: 300_000 }, () => {
  it("writes the spec bundle, the types, the docs page and the callers' packages byte for byte as a clean turbo build does", async () => {
    const original = await read(PAGE_SIZE);
    await writeFile(join(workspace.dir, PAGE_SIZE), original.replace('maximum: 100', 'maximum: 250').replace('1 to 100', '1 to 250'));
    const result = await warm.build();
    expect(result.ok, result.report).toBe(true);
    await buildDocs({
      specFile: join(workspace.dir, 'spec/dist/openapi.yaml'),
      outDir: join(workspace.dir, 'packages/docs/dist'),
      changelogFile: join(workspace.dir, 'spec/CHANGELOG.md'),
    });
    const callers = await clients.build();
    expect(callers.ok, callers.report).toBe(true);
    const fromWarm = await Promise.all(ARTIFACTS.map(read));
    expect(fromWarm[2]).toContain('250');
    expect(fromWarm[3]).toContain('250');
    expect(await read('packages/client/dist/generated/openapi.d.ts')).toContain('250');

    await Promise.all(ARTIFACTS.map((path) => rm(join(workspace.dir, path))));
    // Not --force: what does not depend on the spec is the same build either way, and a cache hit
    // replays a turbo build of this very spec.
    const clean = await turbo(...BUILT);
    expect(clean.ok, clean.output).toBe(true);
    const fromTurbo = await Promise.all(ARTIFACTS.map(read));
    for (const [i, path] of ARTIFACTS.entries()) expect(fromWarm[i] === fromTurbo[i], `${path} differs`).toBe(true);
  });

  it('reports a broken save with its file, line and the line itself, and leaves the last good files', async () => {
    const before = await Promise.all(WARM_ARTIFACTS.map(read));
    const path = 'spec/openapi/paths/payouts_{id}_retry.yaml';
    const original = await read(path);
    await writeFile(join(workspace.dir, path), original.replace('schemas/Payout.yaml', 'schemas/Payuot.yaml'));
    try {
      const result = await warm.build();
      expect(result.ok).toBe(false);
      expect(result.report).toMatch(/^redocly lint failed:\nopenapi\/paths\/payouts_\{id\}_retry\.yaml:\d+:\d+ no-unresolved-refs: /);
      expect(result.report).toContain('Payuot.yaml');
      expect(await Promise.all(WARM_ARTIFACTS.map(read))).toEqual(before);
    } finally {
      await writeFile(join(workspace.dir, path), original);
    }
    expect((await warm.build()).ok).toBe(true);
  });

  it('names the file and line of the client that new types break, writes none of its files, and builds again once they are fixed', async () => {
    const typesFile = 'packages/types/dist/openapi.d.ts';
    const current = await read(typesFile);
    const shipped = ['packages/client/dist/index.d.ts', 'packages/client/dist/types.d.ts', 'packages/react/dist/index.d.ts'];
    const before = await Promise.all(shipped.map(read));
    // The spec renames a schema the client exports a type for.
    await writeFile(join(workspace.dir, typesFile), current.replace(/\bPayoutPage\b/g, 'PayoutListPage'));
    try {
      const broken = await clients.build();
      expect(broken.ok).toBe(false);
      expect(broken.report).toMatch(/^packages\/client\/src\/types\.ts\(\d+,\d+\): error TS2339: Property 'PayoutPage' does not exist/m);
      expect(await Promise.all(shipped.map(read))).toEqual(before);
    } finally {
      await writeFile(join(workspace.dir, typesFile), current);
    }
    expect(await clients.build()).toMatchObject({ ok: true, report: '' });
  });
});
