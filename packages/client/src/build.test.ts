// The client's build (src/build.mjs, what pnpm build and pnpm dev run) on a copy of the package
// whose @payouts/types is broken on purpose: generated types that refer to an operation the spec
// lacks fail the build, named by file and line, and nothing is written to dist/; the same copy
// with the real types builds.
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Programs } from '@payouts/compile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClient } from './build.mjs';

const CLIENT_DIR = fileURLToPath(new URL('..', import.meta.url));
const BASE_TSCONFIG = fileURLToPath(new URL('../../../tsconfig.base.json', import.meta.url));

let scratch: string;
let packageDir: string;
let typesFile: string;
let realTypes: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'payouts-client-build-'));
  // The package two folders down, as in the workspace: its tsconfig.json extends ../../tsconfig.base.json.
  await cp(BASE_TSCONFIG, join(scratch, 'tsconfig.base.json'));
  packageDir = join(scratch, 'packages', 'client');
  for (const file of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.generated.json'])
    await cp(join(CLIENT_DIR, file), join(packageDir, file));
  await cp(join(CLIENT_DIR, 'src'), join(packageDir, 'src'), { recursive: true, filter: (path) => !path.includes('generated') });
  // Its dependencies are the workspace's, but for @payouts/types: a package of our own, to break.
  const modules = join(packageDir, 'node_modules');
  for (const entry of await readdir(join(CLIENT_DIR, 'node_modules'))) {
    const names = entry.startsWith('@')
      ? (await readdir(join(CLIENT_DIR, 'node_modules', entry))).map((name) => `${entry}/${name}`)
      : [entry];
    for (const name of names.filter((n) => n !== '@payouts/types' && !n.startsWith('.'))) {
      await mkdir(join(modules, name, '..'), { recursive: true });
      await symlink(await realpath(join(CLIENT_DIR, 'node_modules', name)), join(modules, name), 'dir');
    }
  }
  const types = join(modules, '@payouts', 'types');
  await mkdir(join(types, 'dist'), { recursive: true });
  await cp(join(CLIENT_DIR, 'node_modules', '@payouts', 'types', 'package.json'), join(types, 'package.json'));
  typesFile = join(types, 'dist', 'openapi.d.ts');
  realTypes = await readFile(join(CLIENT_DIR, 'node_modules', '@payouts', 'types', 'dist', 'openapi.d.ts'), 'utf8');
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe("the client's build", { timeout: 60_000 }, () => {
  it('refuses generated types that refer to an operation they do not have, naming file and line, and writes no dist/', async () => {
    const programs = new Programs();
    expect(realTypes).toContain('operations["createPayout"]');
    await writeFile(typesFile, realTypes.replaceAll('operations["createPayout"]', 'operations["createPayuot"]'));
    const broken = await buildClient({ packageDir, programs });
    expect(broken.ok).toBe(false);
    expect(broken.errors[0]).toMatch(
      /^src\/generated\/openapi\.d\.ts\(\d+,\d+\): error TS2339: Property 'createPayuot' does not exist on type 'operations'/,
    );
    expect(existsSync(join(packageDir, 'dist'))).toBe(false);

    await writeFile(typesFile, realTypes);
    const built = await buildClient({ packageDir, programs });
    expect(built).toEqual({ ok: true, errors: [] });
    expect(await readFile(join(packageDir, 'dist', 'generated', 'openapi.d.ts'), 'utf8')).toBe(realTypes);
    expect(existsSync(join(packageDir, 'dist', 'index.d.ts'))).toBe(true);
  });
});
