// pnpm release as the spec owners run it, in a throwaway git copy of the workspace, publishing to a
// real registry (Verdaccio on loopback): the version comes from the diff, the files, commit and tag
// are written, every package is published; a smaller version is refused; a package that fails its
// checks stops the release before anything is committed or published.
import { existsSync } from 'node:fs';
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '@payouts/process';
import { copyWorkspace } from '@payouts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLISHED } from './release.js';
import { type Registry, startRegistry } from './test-support/registry.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
let workspace: { dir: string; remove(): Promise<void> };
let registry: Registry;

const inCopy = (command: string, args: string[], env: Record<string, string> = {}) =>
  run(command, args, {
    cwd: workspace.dir,
    // The copy's builds reuse this workspace's turbo cache: unchanged packages are cache hits.
    env: { TURBO_CACHE_DIR: join(ROOT, '.turbo', 'cache'), ...registry.authEnv, ...env },
    timeoutMs: 300_000,
  });
const git = (...args: string[]) => inCopy('git', args);
const file = (path: string) => readFile(join(workspace.dir, path), 'utf8');
const edit = async (path: string, change: (text: string) => string) => writeFile(join(workspace.dir, path), change(await file(path)));
const commitAll = async (message: string) => {
  await git('add', '-A');
  await git('commit', '--quiet', '-m', message);
};
const versionsOf = async (name: string) => {
  const { code, stdout } = await run('npm', ['view', name, 'versions', '--json', '--registry', registry.url]);
  return code === 0 && stdout.trim() ? ([JSON.parse(stdout)].flat() as string[]) : []; // E404: never published
};

beforeAll(async () => {
  [workspace, registry] = await Promise.all([copyWorkspace(ROOT), startRegistry()]);
  // main may carry contract changes not released yet (the next release's); the copy starts from a
  // contract that is exactly its last release, v1.0.0, so that each test's own edit is the change.
  await edit('spec/openapi/openapi.yaml', (text) => text.replace(/^(info:\n(?: {2}.*\n)*? {2}version: ).*$/m, '$11.0.0'));
  const built = await inCopy('pnpm', ['build', '--filter', '@payouts/spec', '--output-logs=errors-only']);
  expect(built.code, built.stderr).toBe(0);
  await copyFile(join(workspace.dir, 'spec/dist/openapi.json'), join(workspace.dir, 'spec/releases/1.0.0.json'));
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
    expect(stdout).toContain('nothing to release: the contract is as it was in v1.0.0');
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
    const { code, stdout, stderr } = await inCopy('pnpm', ['release', '--dry-run']);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('release v1.1.0: a minor release after v1.0.0 (info.version 1.0.0 -> 1.1.0)');
    expect(stdout).toContain('### Additions\n\n- `createPayout`: Property `purpose` of `CreatePayoutRequest` was added (request).');
    expect(stdout).toContain('@payouts/client@1.1.0');
    expect(stdout).toContain('dry run: nothing was changed');
    expect((await git('status', '--porcelain')).stdout).toBe('');
    expect((await git('rev-parse', 'HEAD')).stdout).toBe(head);
    expect(await versionsOf('@payouts/client')).toEqual([]);
  });

  it('releases: version, changelog, the bundle kept, one commit and tag, every package published at it', async () => {
    const { code, stdout, stderr } = await inCopy('pnpm', ['release', '--registry', registry.url]);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toContain('✓ released v1.1.0');

    expect(await file('spec/openapi/openapi.yaml')).toMatch(/^info:\n(?: {2}.*\n)*? {2}version: 1\.1\.0$/m);
    const released = JSON.parse(await file('spec/releases/1.1.0.json'));
    expect(released.info.version).toBe('1.1.0');
    expect(released.components.schemas.CreatePayoutRequest.properties.purpose).toBeDefined();
    const changelog = await file('spec/CHANGELOG.md');
    expect(changelog.indexOf('## 1.1.0 (')).toBeGreaterThan(0);
    expect(changelog.indexOf('## 1.1.0 (')).toBeLessThan(changelog.indexOf('## 1.0.0 ('));
    expect(JSON.parse(await file('packages/client/package.json')).version).toBe('1.1.0');

    expect((await git('status', '--porcelain')).stdout).toBe('');
    expect((await git('log', '-1', '--format=%s')).stdout.trim()).toBe('Release the Payouts API contract v1.1.0');
    expect((await git('tag', '--list', 'spec-v*')).stdout.trim()).toBe('spec-v1.1.0');

    for (const name of PUBLISHED) expect(await versionsOf(name), name).toEqual(['1.1.0']);
    // What a caller installs: the client at that version, its workspace dependency pinned to it.
    const manifest = await run('npm', ['view', '@payouts/verify@1.1.0', 'dependencies', '--json', '--registry', registry.url]);
    expect(JSON.parse(manifest.stdout)).toMatchObject({ '@payouts/spec': '1.1.0', '@payouts/mock': '1.1.0' });

    // The gate now measures against the new release.
    const gate = await inCopy('node', ['packages/diff/dist/cli.js', '--check-version']);
    expect(gate.code, gate.stderr).toBe(0);
  });

  it('refuses a version smaller than the changes demand, naming them, and changes nothing', async () => {
    // A new account type in answers: a caller's exhaustive handling of the closed enum meets a value it does not know.
    await edit('spec/openapi/components/schemas/BankAccountType.yaml', (text) =>
      text.replace('  - overdraft\n', '  - overdraft\n  - nre\n'),
    );
    await edit('spec/openapi/openapi.yaml', (text) => text.replace(/^( {2}version: )1\.1\.0$/m, '$11.2.0'));
    await commitAll('NRE accounts, and a minor version');
    const { code, stderr } = await inCopy('pnpm', ['release', '--registry', registry.url]);
    expect(code).toBe(1);
    expect(stderr).toContain(
      'info.version 1.2.0 is smaller than the 2.0.0 these major changes since v1.1.0 demand; refusing to release it',
    );
    expect(stderr).toMatch(/- listPayouts: Enum of `account_type` gained values: 'nre' \(response\)/);
    expect((await git('status', '--porcelain')).stdout).toBe('');
    expect(existsSync(join(workspace.dir, 'spec/releases/1.2.0.json'))).toBe(false);
  });

  it('publishes nothing and puts every file back when a package fails its checks', async () => {
    await edit('spec/openapi/openapi.yaml', (text) => text.replace(/^( {2}version: )1\.2\.0$/m, '$12.0.0'));
    await commitAll('a major version');
    // A build that left a package without its entry point: caught by the checks of the packed tarball.
    await rm(join(workspace.dir, 'packages/react/dist/index.js'));
    const { code, stderr } = await inCopy('node', ['packages/release/dist/cli.js', '--registry', registry.url]);
    expect(code).toBe(1);
    expect(stderr).toContain('packing and checking found problems; nothing was committed or published');
    expect(stderr).toMatch(/@payouts\/react: .*dist\/index\.js/);
    expect((await git('status', '--porcelain')).stdout).toBe('');
    expect((await git('tag', '--list', 'spec-v*')).stdout.trim()).toBe('spec-v1.1.0');
    expect(JSON.parse(await file('packages/client/package.json')).version).toBe('1.1.0');
    for (const name of ['@payouts/model', '@payouts/client', '@payouts/react']) expect(await versionsOf(name), name).toEqual(['1.1.0']);
  });
});
