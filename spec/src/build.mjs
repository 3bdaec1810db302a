#!/usr/bin/env node
// @ts-check
// Builds the one artifact every package consumes: lints the split sources, bundles them, runs the
// checks lint cannot express, then swaps dist/openapi.{yaml,json} in, with the same API as
// OpenAPI 3.0.3 beside it (dist/openapi-3.0.{yaml,json}, src/openapi-3.0.mjs). On any failure dist/ is left
// as it was, so whatever serves the last good spec keeps serving it.
//
// One engine for `pnpm build` and `pnpm dev`: a SpecBuilder runs Redocly's library in this process
// (the bundle and the checks here, the lint on a worker thread beside them). `pnpm build` uses one
// for a single build; `pnpm dev` keeps one for the session, its config loaded and its lint thread
// warm.
//
// Usage: node src/build.mjs [specDir]   (specDir holds redocly.yaml and openapi/; default: this package)
// As a library: import { buildSpec, SpecBuilder } from '@payouts/spec/build'.
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatPointer } from '@payouts/model';
import { WorkerClient } from '@payouts/process';
import { bundle, loadConfig, stringifyYaml } from '@redocly/openapi-core';
import { parse } from 'yaml';
import { checkBundle, releasedOperations, sourceFileOf } from './checks.mjs';
import { toOpenApi30 } from './openapi-3.0.mjs';
import { describeProblem } from './problems.mjs';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT_FILE = 'openapi/openapi.yaml';

/**
 * Builds the spec once: lint, bundle, checks, and dist/ swapped in.
 * @param {string} specDir
 * @returns {Promise<{ ok: boolean, report: string }>}
 */
export async function buildSpec(specDir = PACKAGE_DIR) {
  const builder = new SpecBuilder(specDir);
  try {
    const built = await builder.build();
    return built.ok ? { ok: true, report: await built.write() } : built;
  } finally {
    await builder.close();
  }
}

/** Builds of one spec directory, warm from one to the next. */
export class SpecBuilder {
  /** @type {Promise<import('@redocly/openapi-core').Config> | undefined} */
  #config;
  /** @type {WorkerClient<{ id: number, specDir: string }, { id: number, errors: string[] } | { id: number, failure: string }>} */
  #linter = new WorkerClient(new URL('./lint-worker.mjs', import.meta.url), (id, failure) => ({ id, failure }));

  /** @param {string} specDir holds redocly.yaml and openapi/ (default: this package) */
  constructor(specDir = PACKAGE_DIR) {
    this.specDir = specDir;
  }

  /**
   * Lints, bundles and checks the sources; nothing is written until `write()`. `alongside` gets
   * the bundled document while the lint still runs (pnpm dev generates the types there), and
   * what it answers comes back as `extra`.
   * @template T
   * @param {(document: Record<string, unknown>) => Promise<T>} [alongside]
   * @returns {Promise<{ ok: false, report: string } | { ok: true, extra: T | undefined, write(): Promise<string> }>}
   */
  async build(alongside) {
    const linted = this.#linter.ask({ specDir: this.specDir });
    this.#config ??= loadConfig({ configPath: join(this.specDir, 'redocly.yaml') });
    let bundled;
    try {
      bundled = await bundle({ ref: join(this.specDir, ROOT_FILE), config: await this.#config });
    } catch (error) {
      await linted;
      return { ok: false, report: `redocly could not read the spec: ${error instanceof Error ? error.message : String(error)}` };
    }
    const unresolved = bundled.problems.filter((problem) => problem.severity === 'error');
    /** @type {ReturnType<typeof checkBuild> | undefined} */
    let checked;
    /** @type {Promise<T | undefined> | undefined} */
    let extra;
    if (unresolved.length === 0) {
      // Written the way `redocly bundle` writes it.
      const yamlText = stringifyYaml(bundled.bundle.parsed, { noRefs: true, lineWidth: -1 });
      try {
        checked = checkBuild(this.specDir, yamlText);
      } catch (error) {
        checked = { ok: false, report: `the spec checks could not run: ${error instanceof Error ? error.message : String(error)}` };
      }
      if (checked.ok && alongside) extra = alongside(/** @type {Record<string, unknown>} */ (bundled.bundle.parsed)).catch(() => undefined);
    }
    const lint = await linted;
    if ('failure' in lint) return { ok: false, report: `redocly lint could not run: ${lint.failure}` };
    const errors = [...new Set([...lint.errors, ...unresolved.map((problem) => describeProblem(problem, this.specDir))])];
    if (errors.length > 0) return { ok: false, report: `redocly lint failed:\n${errors.join('\n')}` };
    // Lint passed, so the bundle resolved and the checks ran.
    const passed = /** @type {NonNullable<typeof checked>} */ (checked);
    if (!passed.ok) return passed;
    return { ok: true, extra: await extra, write: passed.write };
  }

  /** Ends the lint thread. */
  close() {
    return this.#linter.close();
  }
}

/**
 * The checks lint cannot express, run while the lint still runs; `write()` swaps the files in
 * once lint has passed too, and says what it wrote.
 * @param {string} specDir
 * @param {string} yamlText the bundle as `redocly bundle` writes it
 * @returns {{ ok: false, report: string } | { ok: true, write(): Promise<string> }}
 */
function checkBuild(specDir, yamlText) {
  const document = parse(yamlText);
  const rootDocument = parse(readFileSync(join(specDir, ROOT_FILE), 'utf8'));
  const pathFiles = Object.fromEntries(Object.entries(rootDocument.paths ?? {}).map(([p, item]) => [p, item?.$ref]));
  const problems = checkBundle(document, releasedOperations(join(specDir, 'releases')));
  if (problems.length > 0) {
    const lines = problems.map(({ at, message }) => `  ${sourceFileOf(at, pathFiles)} at ${formatPointer(at)}: ${message}`);
    return { ok: false, report: `spec checks failed (${problems.length}):\n${lines.join('\n')}` };
  }
  let legacy;
  try {
    legacy = toOpenApi30(document);
  } catch (error) {
    return { ok: false, report: `the OpenAPI 3.0 bundle cannot say it: ${error instanceof Error ? error.message : String(error)}` };
  }
  const files = {
    'openapi.yaml': yamlText,
    'openapi.json': `${JSON.stringify(document, null, 2)}\n`,
    'openapi-3.0.yaml': stringifyYaml(legacy, { noRefs: true, lineWidth: -1 }),
    'openapi-3.0.json': `${JSON.stringify(legacy, null, 2)}\n`,
  };
  const write = async () => {
    const distDir = join(specDir, 'dist');
    await mkdir(distDir, { recursive: true });
    const workDir = await mkdtemp(join(distDir, '.finish-'));
    try {
      for (const [name, text] of Object.entries(files)) await writeFile(join(workDir, name), text);
      // rename() is atomic: a reader sees the old file or the new one, never half of one.
      for (const name of Object.keys(files)) await rename(join(workDir, name), join(distDir, name));
      return `bundled ${Object.keys(document.paths).length} paths into ${distDir} (OpenAPI 3.1, and 3.0.3 in openapi-3.0.*)`;
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
