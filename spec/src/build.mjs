#!/usr/bin/env node
// @ts-check
// Builds the one artifact every package consumes: lints the split sources with `redocly lint`,
// bundles them, runs the checks lint cannot express, then swaps dist/openapi.{yaml,json} in.
// On any failure dist/ is left as it was, so whatever serves the last good spec keeps serving it.
//
// Usage: node src/build.mjs [specDir]   (specDir holds redocly.yaml and openapi/; default: this package)
// As a library: import { buildSpec } from '@payouts/spec/build'.
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatPointer } from '@payouts/model';
import { runRedocly } from '@payouts/process';
import { parse } from 'yaml';
import { checkBundle, sourceFileOf } from './checks.mjs';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT_FILE = 'openapi/openapi.yaml';

/**
 * Lints and bundles with the Redocly CLI, then finishes the build.
 * @param {string} specDir
 * @returns {Promise<{ ok: boolean, report: string }>}
 */
export async function buildSpec(specDir = PACKAGE_DIR) {
  const distDir = join(specDir, 'dist');
  await mkdir(distDir, { recursive: true });
  const workDir = await mkdtemp(join(distDir, '.build-'));
  try {
    const bundledYaml = join(workDir, 'openapi.yaml');
    // Lint and bundle read the same sources and do not depend on each other: run them together.
    const [lint, bundle] = await Promise.all([
      runRedocly(['lint', ROOT_FILE, '--format=codeframe'], { cwd: specDir }),
      runRedocly(['bundle', ROOT_FILE, '--output', bundledYaml], { cwd: specDir }),
    ]);
    if (!lint.ok) return { ok: false, report: `redocly lint failed:\n${lint.output}` };
    if (!bundle.ok) return { ok: false, report: `redocly bundle failed:\n${bundle.output}` };
    return await finishBuild(specDir, await readFile(bundledYaml, 'utf8'));
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * The rest of the build, whoever linted and bundled (`buildSpec` here with the Redocly CLI, or
 * `pnpm dev`'s warm pipeline with Redocly's library in its own process): the checks lint cannot
 * express, then dist/openapi.{yaml,json} swapped in.
 * @param {string} specDir
 * @param {string} yamlText the bundle as `redocly bundle` writes it
 * @returns {Promise<{ ok: boolean, report: string }>}
 */
export async function finishBuild(specDir, yamlText) {
  const checked = checkBuild(specDir, yamlText);
  return checked.ok ? { ok: true, report: await checked.write() } : checked;
}

/**
 * The checks alone, so that a caller can run them while its lint still runs (`pnpm dev`), and
 * swap the files in only once lint has passed too. `write()` swaps them in and says what it wrote.
 * @param {string} specDir
 * @param {string} yamlText the bundle as `redocly bundle` writes it
 * @returns {{ ok: false, report: string } | { ok: true, write(): Promise<string> }}
 */
export function checkBuild(specDir, yamlText) {
  const document = parse(yamlText);
  const rootDocument = parse(readFileSync(join(specDir, ROOT_FILE), 'utf8'));
  const pathFiles = Object.fromEntries(Object.entries(rootDocument.paths ?? {}).map(([p, item]) => [p, item?.$ref]));
  const problems = checkBundle(document);
  if (problems.length > 0) {
    const lines = problems.map(({ at, message }) => `  ${sourceFileOf(at, pathFiles)} at ${formatPointer(at)}: ${message}`);
    return { ok: false, report: `spec checks failed (${problems.length}):\n${lines.join('\n')}` };
  }
  const write = async () => {
    const distDir = join(specDir, 'dist');
    await mkdir(distDir, { recursive: true });
    const workDir = await mkdtemp(join(distDir, '.finish-'));
    try {
      await writeFile(join(workDir, 'openapi.yaml'), yamlText);
      await writeFile(join(workDir, 'openapi.json'), `${JSON.stringify(document, null, 2)}\n`);
      // rename() is atomic: a reader sees the old file or the new one, never half of one.
      await rename(join(workDir, 'openapi.yaml'), join(distDir, 'openapi.yaml'));
      await rename(join(workDir, 'openapi.json'), join(distDir, 'openapi.json'));
      return `bundled ${Object.keys(document.paths).length} paths into ${distDir}`;
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  };
  return { ok: true, write };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { ok, report } = await buildSpec(resolve(process.argv[2] ?? PACKAGE_DIR));
  (ok ? console.log : console.error)(report);
  process.exitCode = ok ? 0 : 1;
}
