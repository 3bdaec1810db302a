// @ts-check
// The built contract: where the bundle is, and the bundle read through @payouts/model. Every
// package that needs "the spec" asks here, so a missing build is reported one way.
import { existsSync, readdirSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpecModel } from '@payouts/model';

/**
 * The bundled spec file (`dist/openapi.json` or `.yaml`; `openapi-3.0.*` for the same API as
 * OpenAPI 3.0.3); throws, saying how to build it, when absent.
 * @param {'json' | 'yaml'} format
 * @param {'3.1' | '3.0'} version
 */
export function bundlePath(format = 'json', version = '3.1') {
  const file = fileURLToPath(new URL(`../dist/openapi${version === '3.0' ? '-3.0' : ''}.${format}`, import.meta.url));
  if (!existsSync(file))
    throw new Error(`the bundled spec ${file} is missing: run \`pnpm build\` (or \`pnpm --filter @payouts/spec build\`)`);
  return file;
}

/** The bundled spec, read (a file of your own when given: a copy of the spec, a release). @param {string} [file] */
export function loadSpec(file) {
  return SpecModel.load(file ?? bundlePath('json'));
}

/** The upstream Process Payout page (api-docs.crego.io, as text): the one page upstream publishes in full. */
export const UPSTREAM_PROCESS_PAYOUT_PAGE = fileURLToPath(new URL('../upstream/process-payout.txt', import.meta.url));

/** What a build of the spec reads: the split sources and the lint config (what `pnpm dev` watches). */
export const SOURCES = {
  dir: fileURLToPath(new URL('../openapi', import.meta.url)),
  lintConfig: fileURLToPath(new URL('../redocly.yaml', import.meta.url)),
};

/** The spec's sources (`openapi/` and `redocly.yaml`), copied into `dir`: a throwaway spec to edit and build. @param {string} dir */
export async function copySources(dir) {
  const from = fileURLToPath(new URL('..', import.meta.url));
  await cp(join(from, 'openapi'), join(dir, 'openapi'), { recursive: true });
  await cp(join(from, 'redocly.yaml'), join(dir, 'redocly.yaml'));
}

/** Where each release's bundle is kept, as `<version>.json`: a clean clone can diff against any release, without tags or network. */
export const RELEASES_DIR = fileURLToPath(new URL('../releases', import.meta.url));

/**
 * Orders two `X.Y.Z` versions (pre-release tags are not used here): negative, zero or positive.
 * @param {string} a @param {string} b
 */
export function compareVersions(a, b) {
  const parts = (/** @type {string} */ v) => {
    const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
    if (!match) throw new Error(`"${v}" is not a version of the form X.Y.Z`);
    return match.slice(1).map(Number);
  };
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return /** @type {number} */ (x[i]) - /** @type {number} */ (y[i]);
  return 0;
}

/** The released versions, oldest first. */
export function releases(dir = RELEASES_DIR) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^\d+\.\d+\.\d+\.json$/.test(name))
    .map((name) => name.slice(0, -'.json'.length))
    .sort(compareVersions);
}

/** The bundle of one release; throws naming the releases there are. @param {string} version */
export function releasePath(version) {
  const file = join(RELEASES_DIR, `${version}.json`);
  if (!existsSync(file)) {
    const known = releases();
    throw new Error(
      `no release ${version} in ${RELEASES_DIR}; ${known.length ? `released: ${known.join(', ')}` : 'nothing is released yet'}`,
    );
  }
  return file;
}

/** The contract's changelog (written by `pnpm release`), newest first. */
export const CHANGELOG = fileURLToPath(new URL('../CHANGELOG.md', import.meta.url));
