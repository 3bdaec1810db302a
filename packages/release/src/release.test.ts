// pnpm release as the spec owners run it, in a throwaway git copy of the workspace, publishing to a
// real registry (Verdaccio on loopback): the version comes from the diff, the files, commit and tag
// are written, every package is built and published; a smaller version is refused; a package that
// fails its checks stops the release before anything is committed or published.
import { existsSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '@payouts/process';
import { copyWorkspace } from '@payouts/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { PUBLISHED } from './release.js';
import { type Registry, startRegistry } from './test-support/registry.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
let workspace: { dir: string; remove(): Promise<void> };
let registry: Registry;
/** The contract's version on main, released in the copy before the tests; each test's edit is the change. */
let base: string;

const inCopy = (command: string, args: string[], env: Record<string, string> = {}) =>
  run(command, args, {
    cwd: workspace.dir,
    // The copy's builds reuse this workspace's turbo cache: unchanged packages are cache hits.
    env: { TURBO_CACHE_DIR: join(ROOT, '.turbo', 'cache'), ...registry.authEnv, ...env },
    timeoutMs: 300_000,
  });
const git = (...args: string[]) => inCopy('git', args);
/**
 * The command `pnpm release` ends in, without the script's build of the release tool first: after
 * a spec edit, that build redoes every package downstream of the spec (16 s of a dry run here,
 * 25 CPU-seconds), and the tool's code is the same whatever the spec says. The first test runs the
 * whole script, so the build is tested there; the tool then builds the published packages itself,
 * which the failed check and the release go through. beforeAll builds the tool.
 */
const releaseTool = (...args: string[]) => inCopy('node', ['packages/release/dist/cli.js', ...args]);
const file = (path: string) => readFile(join(workspace.dir, path), 'utf8');
const edit = async (path: string, change: (text: string) => string) => writeFile(join(workspace.dir, path), change(await file(path)));
const commitAll = async (message: string) => {
  await git('add', '-A');
  await git('commit', '--quiet', '-m', message);
};
/** The versions of `name` the registry serves: what `npm view <name> versions` shows, read from its packument. */
const versionsOf = async (name: string) => {
  const answer = await fetch(new URL(name.replace('/', '%2f'), registry.url));
  if (answer.status === 404) return []; // never published
  expect(answer.status, name).toBe(200);
  return Object.keys(((await answer.json()) as { versions: Record<string, unknown> }).versions);
};
/** The version after `version` that a change of this kind demands. */
const bumped = (version: string, kind: 'minor' | 'major') => {
  const [major, minor] = version.split('.').map(Number) as [number, number];
  return kind === 'major' ? `${major + 1}.0.0` : `${major}.${minor + 1}.0`;
};
const INFO_VERSION = /^(info:\n(?: {2}.*\n)*? {2}version: )(.*)$/m;
const infoVersion = (text: string) => INFO_VERSION.exec(text)?.[2];

beforeAll(async () => {
  [workspace, registry] = await Promise.all([copyWorkspace(ROOT), startRegistry()]);
  // The copy's last release is main's contract as it is (released here when main carries changes
  // not released yet): the spec is not edited, so the copy's first builds are this workspace's.
  // The release tool is built with it, so that any test can run the tool alone.
  base = infoVersion(await file('spec/openapi/openapi.yaml'))!;
  const built = await inCopy('pnpm', ['build', '--filter', '@payouts/release', '--output-logs=errors-only']);
  expect(built.code, built.stderr).toBe(0);
  const released = join(workspace.dir, `spec/releases/${base}.json`);
  if (!existsSync(released)) await copyFile(join(workspace.dir, 'spec/dist/openapi.json'), released);
  await git('init', '--quiet');
  await git('config', 'user.email', 'spec-owners@example.test');
  await git('config', 'user.name', 'Spec owners');
  await commitAll('the workspace as it is');
}, 300_000);
afterAll(async () => {
  await registry?.stop();
  await workspace?.remove();
});

describe('pnpm release', { timeout: 600_000 }, () => {
  it('with nothing changed since the last release, says so and does nothing', async () => {
    const { code, stdout } = await inCopy('pnpm', ['release', '--dry-run']);
    expect(code).toBe(0);
    expect(stdout).toContain(`nothing to release: the contract is as it was in v${base}`);
  });

  it('--dry-run shows the version the diff demands, the changelog entry and the packages, and changes nothing', async () => {
    await edit('spec/openapi/components/schemas/CreatePayoutRequest.yaml', (text) =>
      text.replace(
        /\nproperties:\n/,
        '\nproperties:\n  purpose:\n    type: string\n    maxLength: 140\n    description: Why the money is paid, for the bank statement.\n    example: Loan disbursement\n',
      ),
    );
    await commitAll('an optional purpose on Create Payout');
    const head = (await git('rev-parse', 'HEAD')).stdout;
    const { code, stdout, stderr } = await releaseTool('--dry-run');
    expect(code, stderr).toBe(0);
    expect(stdout).toContain(
      `release v${bumped(base, 'minor')}: a minor release after v${base} (info.version ${base} -> ${bumped(base, 'minor')})`,
    );
    expect(stdout).toContain('### Additions\n\n- `createPayout`: Field `purpose` of `CreatePayoutRequest` was added (request).');
    expect(stdout).toContain(`@payouts/client@${bumped(base, 'minor')}`);
    expect(stdout).toContain('dry run: nothing was changed');
    expect((await git('status', '--porcelain')).stdout).toBe('');
    expect((await git('rev-parse', 'HEAD')).stdout).toBe(head);
    expect(await versionsOf('@payouts/client')).toEqual([]);
  });

  it('publishes nothing and puts every file back when a package fails its checks', async () => {
    const version = bumped(base, 'minor');
    // A package whose manifest names an entry point its build does not write: caught by the checks of the packed tarball.
    await edit('packages/react/package.json', (text) => text.replace('"default": "./dist/index.js"', '"default": "./dist/hooks.js"'));
    await commitAll('a mistake in the hooks package');
    const packageVersion = JSON.parse(await file('packages/client/package.json')).version;
    // The mistake is taken back for the release that follows, which then finds this release's builds in the cache.
    onTestFinished(() => git('reset', '--quiet', '--hard', 'HEAD~1').then(() => undefined));
    const { code, stderr } = await releaseTool('--registry', registry.url);
    expect(code).toBe(1);
    expect(stderr).toContain('packing and checking found problems; nothing was committed or published');
    expect(stderr).toMatch(/@payouts\/react: .*dist\/hooks\.js/);
    expect((await git('status', '--porcelain')).stdout).toBe('');
    expect((await git('tag', '--list', 'spec-v*')).stdout.trim()).toBe('');
    expect(infoVersion(await file('spec/openapi/openapi.yaml'))).toBe(base);
    expect(JSON.parse(await file('packages/client/package.json')).version).toBe(packageVersion);
    expect(existsSync(join(workspace.dir, `spec/releases/${version}.json`))).toBe(false);
    for (const name of PUBLISHED) expect(await versionsOf(name), name).toEqual([]);
  });

  it('releases: version, changelog, the bundle kept, one commit and tag, every package built and published at it', async () => {
    const version = bumped(base, 'minor');
    const { code, stdout, stderr } = await releaseTool('--registry', registry.url);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toContain(`✓ released v${version}`);

    expect(infoVersion(await file('spec/openapi/openapi.yaml'))).toBe(version);
    const released = JSON.parse(await file(`spec/releases/${version}.json`));
    expect(released.info.version).toBe(version);
    expect(released.components.schemas.CreatePayoutRequest.properties.purpose).toBeDefined();
    // The entry is the changelog's newest.
    expect(/^## (\S+) \(/m.exec(await file('spec/CHANGELOG.md'))?.[1]).toBe(version);
    expect(JSON.parse(await file('packages/client/package.json')).version).toBe(version);
    // Built from the files as released: the types carry the new field.
    expect(await file('packages/types/dist/openapi.d.ts')).toContain('purpose?: string');

    expect((await git('status', '--porcelain')).stdout).toBe('');
    expect((await git('log', '-1', '--format=%s')).stdout.trim()).toBe(`Release the Payouts API contract v${version}`);
    expect((await git('tag', '--list', 'spec-v*')).stdout.trim()).toBe(`spec-v${version}`);

    for (const name of PUBLISHED) expect(await versionsOf(name), name).toEqual([version]);
    // What a caller installs: the client at that version, its workspace dependency pinned to it.
    const manifest = await run('npm', ['view', `@payouts/verify@${version}`, 'dependencies', '--json', '--registry', registry.url]);
    expect(JSON.parse(manifest.stdout)).toMatchObject({ '@payouts/spec': version, '@payouts/mock': version });

    // The gate now measures against the new release.
    const gate = await inCopy('node', ['packages/diff/dist/cli.js', '--check-version']);
    expect(gate.code, gate.stderr).toBe(0);
  });

  it('refuses a version smaller than the changes demand, naming them, and changes nothing', async () => {
    const released = bumped(base, 'minor');
    const tooSmall = bumped(released, 'minor');
    // A new account type in answers: a caller's exhaustive handling of the closed enum meets a value it does not know.
    await edit('spec/openapi/components/schemas/BankAccountType.yaml', (text) =>
      text.replace('  - overdraft\n', '  - overdraft\n  - nre\n'),
    );
    await edit('spec/openapi/openapi.yaml', (text) => text.replace(INFO_VERSION, `$1${tooSmall}`));
    await commitAll('NRE accounts, and a minor version');
    const { code, stderr } = await releaseTool('--registry', registry.url);
    expect(code).toBe(1);
    expect(stderr).toContain(
      `info.version ${tooSmall} is smaller than the ${bumped(released, 'major')} these major changes since v${released} demand; refusing to release it`,
    );
    expect(stderr).toContain('- listPayouts: `BankAccountType` gained the value `nre` (response)');
    expect((await git('status', '--porcelain')).stdout).toBe('');
    expect(existsSync(join(workspace.dir, `spec/releases/${tooSmall}.json`))).toBe(false);
  });
});
