#!/usr/bin/env node
// @ts-check
// Builds the one artifact every package consumes: lints the split sources with `redocly lint`,
// bundles them, runs the checks lint cannot express, then swaps dist/openapi.{yaml,json} in.
// On any failure dist/ is left as it was, so whatever serves the last good spec keeps serving it.
//
// Usage: node scripts/build.mjs [specDir]   (specDir holds redocly.yaml and openapi/; default: this package)
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rename, rm, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { checkBundle, pointer, sourceFileOf } from '../src/checks.mjs';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REDOCLY = join(PACKAGE_DIR, 'node_modules', '.bin', 'redocly');
const ROOT_FILE = 'openapi/openapi.yaml';
// Redocly 2.77 prints a boxed Node 20 end-of-life notice on every run; it buries the problems.
const NODE20_NOTICE = /\s*╔[^]*?╚═*╝\n?/;
const REDOCLY_ENV = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_NOTIFICATIONS: 'true' };

/** @param {string[]} args @param {string} cwd */
function redocly(args, cwd) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(REDOCLY, args, { cwd, env: REDOCLY_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ ok: code === 0, output: output.replace(NODE20_NOTICE, '') }));
  });
}

/** @param {string} specDir */
export async function buildSpec(specDir) {
  const distDir = join(specDir, 'dist');
  await mkdir(distDir, { recursive: true });
  const workDir = await mkdtemp(join(distDir, '.build-'));
  try {
    const bundledYaml = join(workDir, 'openapi.yaml');
    // Lint and bundle read the same sources and do not depend on each other: run them together.
    const [lint, bundle] = await Promise.all([
      redocly(['lint', ROOT_FILE, '--format=codeframe'], specDir),
      redocly(['bundle', ROOT_FILE, '--output', bundledYaml], specDir),
    ]);
    if (!lint.ok) return { ok: false, report: `redocly lint failed:\n${lint.output}` };
    if (!bundle.ok) return { ok: false, report: `redocly bundle failed:\n${bundle.output}` };

    const yamlText = await readFile(bundledYaml, 'utf8');
    const document = parse(yamlText);
    const rootDocument = parse(await readFile(join(specDir, ROOT_FILE), 'utf8'));
    const pathFiles = Object.fromEntries(Object.entries(rootDocument.paths ?? {}).map(([p, item]) => [p, item?.$ref]));
    const problems = checkBundle(document);
    if (problems.length > 0) {
      const lines = problems.map(({ at, message }) => `  ${sourceFileOf(at, pathFiles)} at ${pointer(at)}: ${message}`);
      return { ok: false, report: `spec checks failed (${problems.length}):\n${lines.join('\n')}` };
    }

    await writeFile(join(workDir, 'openapi.json'), `${JSON.stringify(document, null, 2)}\n`);
    // rename() is atomic: a reader sees the old file or the new one, never half of one.
    await rename(bundledYaml, join(distDir, 'openapi.yaml'));
    await rename(join(workDir, 'openapi.json'), join(distDir, 'openapi.json'));
    return { ok: true, report: `bundled ${Object.keys(document.paths).length} paths into ${distDir}` };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const specDir = resolve(process.argv[2] ?? PACKAGE_DIR);
  const { ok, report } = await buildSpec(specDir);
  (ok ? console.log : console.error)(report);
  process.exitCode = ok ? 0 : 1;
}
