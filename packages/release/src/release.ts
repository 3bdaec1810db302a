// pnpm release: the version comes from the diff against the last release (never typed by hand,
// never smaller than the changes demand); then the changelog entry, the released bundle under
// spec/releases/, the packages' versions, one commit and a `spec-vX.Y.Z` tag, and the packages
// published. Everything is built, packed and checked before anything is committed or published: a
// failure on the way puts the files back and publishes nothing.
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { registeredContracts } from '@payouts/contracts';
import { type DiffResult, diffSpecs, lastRelease, nextVersion } from '@payouts/diff';
import { packAndLint } from '@payouts/pack-lint';
import { run } from '@payouts/process';
import { bundlePath, compareVersions, loadSpec, RELEASES_DIR, releasePath, releases, CHANGELOG as SPEC_CHANGELOG } from '@payouts/spec';
import { buildSpec } from '@payouts/spec/build';
import { changelogEntry, withEntry } from './changelog.js';

/** The packages the teams around the API install, and what they need, dependencies first. */
export const PUBLISHED = [
  '@payouts/model',
  '@payouts/process',
  '@payouts/spec',
  '@payouts/callbacks',
  '@payouts/types',
  '@payouts/client',
  '@payouts/react',
  '@payouts/mock',
  '@payouts/verify',
] as const;

export interface ReleaseOptions {
  /** The workspace root, a git work tree. */
  root: string;
  /** Where to publish; required unless dryRun. */
  registry?: string;
  /** Show everything a release would do, and change nothing. */
  dryRun?: boolean;
  /** The release date, YYYY-MM-DD; today by default. */
  date?: string;
  log?: (line: string) => void;
}

export interface ReleasePlan {
  previous: string;
  version: string;
  bump: DiffResult['bump'];
  entry: string;
  /** Files written (relative to the root). */
  files: string[];
  tag: string;
  packages: { name: string; dir: string }[];
}

const SPEC_DIR = dirname(RELEASES_DIR);
const CHANGELOG = SPEC_CHANGELOG;
const SPEC_ROOT_FILE = join(SPEC_DIR, 'openapi', 'openapi.yaml');

async function git(root: string, args: string[]): Promise<string> {
  const result = await run('git', args, { cwd: root });
  if (result.code !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.output.trim()}`);
  return result.stdout;
}

/** Each published package's folder, found by name in the workspace. */
export async function locatePackages(root: string): Promise<{ name: string; dir: string }[]> {
  const candidates = [join(root, 'spec'), ...(await readdir(join(root, 'packages'))).map((name) => join(root, 'packages', name))];
  const found = new Map<string, string>();
  for (const dir of candidates) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) found.set((JSON.parse(await readFile(file, 'utf8')) as { name: string }).name, dir);
  }
  return PUBLISHED.map((name) => {
    const dir = found.get(name);
    if (!dir) throw new Error(`the published package ${name} is not in the workspace`);
    return { name, dir };
  });
}

/** The version this release gets: the one the diff demands, or the spec's own when it was set higher. */
function chooseVersion(previous: string, current: string, result: DiffResult): string {
  const demanded = nextVersion(previous, result.bump);
  if (compareVersions(current, previous) < 0) throw new Error(`info.version ${current} is older than the last release ${previous}`);
  if (compareVersions(current, previous) === 0) return demanded;
  if (compareVersions(current, demanded) < 0) {
    const named = [
      ...new Set(result.changes.filter((c) => c.impact === result.bump).map((c) => `  - ${c.operationId ?? '(document)'}: ${c.message}`)),
    ];
    throw new Error(
      `info.version ${current} is smaller than the ${demanded} these ${result.bump} changes since v${previous} demand; refusing to release it:\n${named.join('\n')}`,
    );
  }
  return current;
}

export async function release(options: ReleaseOptions): Promise<ReleasePlan | undefined> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { root } = options;
  if (!options.dryRun && !options.registry) throw new Error('--registry URL is required to publish (or --dry-run to see the plan)');
  const packages = await locatePackages(root);
  if (!options.dryRun) {
    const dirty = (await git(root, ['status', '--porcelain'])).trim();
    if (dirty) throw new Error(`the work tree has changes a release would mix in; commit or stash them first:\n${dirty}`);
  }
  const previous = lastRelease();
  if (!previous) throw new Error(`nothing is released yet: put the first release's bundle in ${RELEASES_DIR} (as <version>.json)`);

  // The spec as it is in the work tree, whatever was built before.
  const built = await buildSpec(SPEC_DIR);
  if (!built.ok) throw new Error(`the spec does not build:\n${built.report}`);
  const result = await diffSpecs({ baseFile: releasePath(previous), headFile: bundlePath('json'), contracts: registeredContracts() });
  if (result.bump === 'none') {
    log(`nothing to release: the contract is as it was in v${previous}`);
    return undefined;
  }
  const current = String(loadSpec().document.info?.version);
  const version = chooseVersion(previous, current, result);
  if (releases().includes(version)) throw new Error(`v${version} is already released`);
  const date = options.date ?? new Date().toISOString().slice(0, 10);
  const entry = changelogEntry(version, date, `v${previous}`, result);
  const releaseFile = join(RELEASES_DIR, `${version}.json`);
  const tag = `spec-v${version}`;
  const files = [
    ...(current === version ? [] : [SPEC_ROOT_FILE]),
    releaseFile,
    CHANGELOG,
    ...packages.map((p) => join(p.dir, 'package.json')),
  ].map((file) => relative(root, file));
  const plan: ReleasePlan = { previous, version, bump: result.bump, entry, files, tag, packages };

  log(
    `release v${version}: a ${result.bump} release after v${previous}${current === version ? '' : ` (info.version ${current} -> ${version})`}`,
  );
  log(`  writes: ${files.join(', ')}`);
  log(`  commits "Release the Payouts API contract v${version}" and tags ${tag}`);
  log(`  publishes to ${options.registry ?? '(no registry given)'}: ${packages.map((p) => `${p.name}@${version}`).join(', ')}`);
  log(`\n${entry}`);
  if (options.dryRun) {
    log('dry run: nothing was changed');
    return plan;
  }

  const packed = await mkdtemp(join(tmpdir(), 'payouts-release-'));
  let tarballs: string[];
  try {
    tarballs = await prepare(root, plan, current, releaseFile, packed);
  } catch (error) {
    // Nothing is committed or published yet: every file goes back as it was, and the bundle with it.
    await git(root, ['checkout', '--', ...files.filter((file) => file !== relative(root, releaseFile))]);
    await rm(releaseFile, { force: true });
    await rm(packed, { recursive: true, force: true });
    await buildSpec(SPEC_DIR);
    throw error;
  }
  await git(root, ['add', '--', ...files]);
  await git(root, ['commit', '--quiet', '-m', `Release the Payouts API contract v${version}`, '-m', entry]);
  await git(root, ['tag', '-a', tag, '-m', `Payouts API contract v${version}`]);
  log(`✓ committed and tagged ${tag}`);
  await publish(tarballs, options.registry!, log);
  await rm(packed, { recursive: true, force: true });
  log(`✓ released v${version}`);
  return plan;
}

/** Writes the release's files, then packs and checks every package; answers the tarballs, dependencies first. */
async function prepare(root: string, plan: ReleasePlan, current: string, releaseFile: string, packed: string): Promise<string[]> {
  if (current !== plan.version) {
    const text = await readFile(SPEC_ROOT_FILE, 'utf8');
    const changed = text.replace(/^(info:\n(?: {2}.*\n)*? {2}version: ).*$/m, `$1${plan.version}`);
    if (changed === text) throw new Error(`cannot find info.version in ${SPEC_ROOT_FILE}`);
    await writeFile(SPEC_ROOT_FILE, changed);
  }
  await writeFile(CHANGELOG, withEntry(existsSync(CHANGELOG) ? await readFile(CHANGELOG, 'utf8') : undefined, plan.entry));
  for (const { dir } of plan.packages) {
    const file = join(dir, 'package.json');
    const manifest = JSON.parse(await readFile(file, 'utf8')) as { version: string };
    manifest.version = plan.version;
    await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
  }
  // The spec is one of the packages: its bundle, built here with the new version, is the one released.
  await buildPackages(root, plan.packages);
  await copyFile(bundlePath('json'), releaseFile);
  // Side by side (each is mostly a pnpm process), the tarballs kept in the plan's order: dependencies first.
  const checked = await Promise.all(plan.packages.map(({ name, dir }) => packAndCheck(name, dir, plan.version, packed)));
  const problems = checked.flatMap((one) => one.problems);
  const tarballs = checked.flatMap((one) => (one.tarball ? [one.tarball] : []));
  if (problems.length)
    throw new Error(`packing and checking found problems; nothing was committed or published:\n  ${problems.join('\n  ')}`);
  return tarballs;
}

/**
 * Builds what is published from the files as released (turbo: what did not change is a cache hit).
 * Only here: a dry run, a refusal or nothing to release need none of it.
 */
async function buildPackages(root: string, packages: { name: string }[]): Promise<void> {
  const built = await run(
    join(root, 'node_modules', '.bin', 'turbo'),
    ['run', 'build', '--output-logs=errors-only', ...packages.map(({ name }) => `--filter=${name}`)],
    { cwd: root, env: { TURBO_TELEMETRY_DISABLED: '1' }, timeoutMs: 600_000 },
  );
  if (built.code !== 0) throw new Error(`the packages do not build; nothing was committed or published:\n${built.output.trim()}`);
}

/** Packs one package as pnpm publishes it and checks the tarball itself: publint, its version, no workspace: ranges. */
async function packAndCheck(name: string, dir: string, version: string, packed: string): Promise<{ tarball?: string; problems: string[] }> {
  const { tarball, manifest, problems } = await packAndLint(dir, packed);
  if (!tarball || !manifest) return { problems };
  if (manifest.version !== version) problems.push(`${name}: the tarball does not carry version ${version}`);
  if (JSON.stringify(manifest).includes('workspace:')) problems.push(`${name}: the tarball still depends on workspace: versions`);
  return { tarball, problems };
}

async function publish(tarballs: string[], registry: string, log: (line: string) => void): Promise<void> {
  const published: string[] = [];
  for (const tarball of tarballs) {
    const result = await run('npm', ['publish', tarball, '--registry', registry], { timeoutMs: 120_000 });
    if (result.code !== 0) {
      const left = tarballs.slice(published.length);
      throw new Error(
        `npm publish ${tarball} failed: ${result.output.trim()}\npublished: ${published.join(', ') || 'none'}; not yet: ${left.join(', ')} ` +
          `(the release is committed and tagged; publish the rest with npm publish <tarball> --registry ${registry})`,
      );
    }
    published.push(tarball);
    log(`✓ published ${tarball.split('/').at(-1)}`);
  }
}
