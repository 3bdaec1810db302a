// Real packages packed by a real pnpm, each in a folder of its own: one fit to publish, one whose
// exports name a file it does not ship, one whose types lie about the module format.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTypes, packAndLint } from './index.mjs';

let root: string;
/** A package in a folder of its own: its manifest with `exports`, and its files. */
async function fixture(name: string, exports: Record<string, string>, files: Record<string, string>): Promise<string> {
  const dir = join(root, name);
  await mkdir(join(dir, 'dist'), { recursive: true });
  const manifest = { name: `@fixture/${name}`, version: '1.0.0', type: 'module', exports: { '.': exports }, files: ['dist'] };
  await writeFile(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
  return dir;
}
const SOURCE = { 'dist/index.js': 'export const amount = 1;\n', 'dist/index.d.ts': 'export declare const amount: number;\n' };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pack-lint-test-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('packAndLint and checkTypes', { timeout: 60_000 }, () => {
  it('pack a package fit to publish once, and find nothing wrong with the tarball', async () => {
    const dir = await fixture('fit', { types: './dist/index.d.ts', default: './dist/index.js' }, SOURCE);
    const { tarball, manifest, problems } = await packAndLint(dir, root);
    expect(problems).toEqual([]);
    expect(tarball).toBe(join(root, 'fixture-fit-1.0.0.tgz'));
    expect(manifest).toMatchObject({ name: '@fixture/fit', version: '1.0.0' });
    const types = await checkTypes(tarball!, ['--profile', 'esm-only']);
    expect(types.ok, types.report).toBe(true);
  });

  it('name the package and the file its exports point to when the tarball does not ship it', async () => {
    const dir = await fixture('missing', { types: './dist/index.d.ts', default: './dist/hooks.js' }, SOURCE);
    const { problems } = await packAndLint(dir, root);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^@fixture\/missing: .*dist\/hooks\.js/);
  });

  it('report types that describe a CommonJS module for an ES module', async () => {
    const dir = await fixture(
      'masquerading',
      { types: './dist/index.d.cts', default: './dist/index.js' },
      {
        'dist/index.js': SOURCE['dist/index.js'],
        'dist/index.d.cts': SOURCE['dist/index.d.ts'],
      },
    );
    const { tarball } = await packAndLint(dir, root);
    const types = await checkTypes(tarball!, ['--profile', 'esm-only']);
    expect(types.ok).toBe(false);
    expect(types.report).toContain('Masquerading as CJS');
  });

  it('say there is no package to pack in a folder without a manifest', async () => {
    const { tarball, problems } = await packAndLint(root, root);
    expect(tarball).toBeUndefined();
    expect(problems).toEqual([expect.stringMatching(/: no package to pack \(ENOENT/)]);
  });
});
