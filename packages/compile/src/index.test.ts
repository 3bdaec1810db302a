import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProject, Programs, typecheckProjects, workspaceProjects } from './index.mjs';

const CLI = fileURLToPath(new URL('./cli.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
let dir: string;

/** A project in `dir`/`name` with src/index.ts holding `source`; tsconfig options on top of strict ES2022 modules (no DOM: quicker). */
async function project(name: string, source: string, options: Record<string, unknown> = {}) {
  const folder = join(dir, name);
  await mkdir(join(folder, 'src'), { recursive: true });
  await writeFile(join(folder, 'package.json'), JSON.stringify({ name, type: 'module' }));
  await writeFile(
    join(folder, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, target: 'ES2022', lib: ['ES2022'], module: 'NodeNext', types: [], outDir: 'dist', ...options },
      include: ['src'],
    }),
  );
  await writeFile(join(folder, 'src', 'index.ts'), source);
  return folder;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'payouts-compile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('compileProject', () => {
  it('writes what tsc writes for a project without errors', async () => {
    const folder = await project('fine', 'export const answer: number = 42;\n');
    expect(compileProject(join(folder, 'tsconfig.json'))).toEqual({ ok: true, errors: [] });
    expect(await readFile(join(folder, 'dist', 'index.js'), 'utf8')).toContain('export const answer = 42;');
  });

  it('names the file and line of each error, relative to reportDir, and writes nothing', async () => {
    const folder = await project('broken', 'export const fine = 1;\nexport const answer: number = "forty-two";\n');
    const result = compileProject(join(folder, 'tsconfig.json'), { reportDir: dir });
    expect(result.ok).toBe(false);
    expect(result.errors).toEqual(["broken/src/index.ts(2,14): error TS2322: Type 'string' is not assignable to type 'number'."]);
    expect(existsSync(join(folder, 'dist'))).toBe(false);
  });

  it('compiles again only what changed, with the same Programs', async () => {
    const folder = await project('warm', 'export const answer: number = 42;\n');
    const programs = new Programs();
    expect(compileProject(join(folder, 'tsconfig.json'), { programs }).ok).toBe(true);
    await writeFile(join(folder, 'src', 'index.ts'), 'export const answer: number = "no";\n');
    expect(compileProject(join(folder, 'tsconfig.json'), { programs }).errors).toEqual([
      expect.stringMatching(/^src\/index\.ts\(1,14\): error TS2322/),
    ]);
  });
});

describe('typecheckProjects', () => {
  it('answers the projects with errors, by folder, and writes nothing even where the tsconfig would emit', async () => {
    const fine = await project('check-fine', 'export const answer: number = 42;\n');
    const broken = await project('check-broken', 'export const answer: number = "no";\n', { noEmit: false });
    expect(typecheckProjects([fine, broken], { reportDir: dir })).toEqual([
      { project: 'check-broken', errors: [expect.stringMatching(/^check-broken\/src\/index\.ts\(1,14\): error TS2322/)] },
    ]);
    expect(existsSync(join(fine, 'dist'))).toBe(false);
    expect(existsSync(join(broken, 'dist'))).toBe(false);
  });

  it("parses a declaration file that several projects read once: TypeScript's own lib", async () => {
    const folders = await Promise.all(
      ['one', 'two', 'three'].map((name) => project(`shared-${name}`, `export const ${name} = [1].at(0);\n`)),
    );
    const programs = new Programs();
    expect(typecheckProjects(folders, { reportDir: dir, programs })).toEqual([]);
    const parsed = [...programs.sourceFiles.keys()].filter((key) => basename(key.split('\0')[0] ?? '') === 'lib.es2022.array.d.ts');
    expect(parsed).toHaveLength(1);
  });
});

describe('workspaceProjects', () => {
  it("lists this workspace's projects with a tsconfig.json, from any folder inside it", () => {
    const { root, projects } = workspaceProjects(join(ROOT, 'packages', 'compile', 'src'));
    expect(root).toBe(ROOT.replace(/\/$/, ''));
    expect(projects).toContain(join(ROOT, 'packages', 'compile'));
    expect(projects).toContain(join(ROOT, 'spec'));
    expect(projects).not.toContain(root);
  });
});

describe('payouts-typecheck', () => {
  const typecheck = (...args: string[]) =>
    promisify(execFile)(process.execPath, [CLI, ...args], { cwd: dir }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it('says how many projects it checked when none has an error', async () => {
    await project('cli-fine', 'export const answer = 42;\n');
    const { code, stdout } = await typecheck('cli-fine');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^typecheck: 1 project, no errors \(\d+\.\d s\)\n$/);
  });

  it('prints each error with its file and line, names the projects, and exits 1', async () => {
    await project('cli-broken', 'export const answer: number = "no";\n');
    const { code, stderr } = await typecheck('cli-fine', 'cli-broken');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^cli-broken\/src\/index\.ts\(1,14\): error TS2322: Type 'string' is not assignable to type 'number'\.\n/);
    expect(stderr).toMatch(/typecheck: 1 error in cli-broken \(\d+\.\d s\)\n$/);
  });

  it('refuses a folder without a tsconfig.json, naming it, with exit 2', async () => {
    const { code, stderr } = await typecheck('nowhere');
    expect(code).toBe(2);
    expect(stderr).toBe(`payouts-typecheck: no tsconfig.json in ${join(dir, 'nowhere')}\n`);
  });
});
