// @ts-check
// The built contract: where the bundle is, and the bundle read through @payouts/model. Every
// package that needs "the spec" asks here, so a missing build is reported one way.
import { existsSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpecModel } from '@payouts/model';

/**
 * The bundled spec file (`dist/openapi.json` or `.yaml`); throws, saying how to build it, when absent.
 * @param {'json' | 'yaml'} format
 */
export function bundlePath(format = 'json') {
  const file = fileURLToPath(new URL(`../dist/openapi.${format}`, import.meta.url));
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

/** The spec's sources (`openapi/` and `redocly.yaml`), copied into `dir`: a throwaway spec to edit and build. @param {string} dir */
export async function copySources(dir) {
  const from = fileURLToPath(new URL('..', import.meta.url));
  await cp(join(from, 'openapi'), join(dir, 'openapi'), { recursive: true });
  await cp(join(from, 'redocly.yaml'), join(dir, 'redocly.yaml'));
}
