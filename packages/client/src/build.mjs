#!/usr/bin/env node
// @ts-check
// Builds the client against the current spec: brings in the types @payouts/types generated from it,
// writes the operation table the runtime needs (each operation by operationId: where it is, how
// its shortcut takes its arguments, its Idempotency-Key and credentials, its answers), compiles, and ships the types inside dist/ so the published
// package's declarations resolve without @payouts/types.
//
// One engine for `pnpm build` (this file run by node) and `pnpm dev` (buildClient() called with
// the same Programs on every save): TypeScript compiles in this process, and a Programs object
// keeps each project's program so the next compile re-checks only what changed.
import { statSync } from 'node:fs';
import { copyFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSpec } from '@payouts/spec';
import ts from 'typescript';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * TypeScript programs kept between compiles: one per project, and the source files they read,
 * by path, with the size and modification time they had (an unchanged file is not read again).
 */
export class Programs {
  /** @type {Map<string, ts.EmitAndSemanticDiagnosticsBuilderProgram>} */
  projects = new Map();
  /** @type {Map<string, { stamp: string, file: ts.SourceFile }>} */
  sourceFiles = new Map();
}

const formatHost = { getCanonicalFileName: (/** @type {string} */ name) => name, getNewLine: () => '\n' };

/**
 * Compiles a project as `tsc -p <tsconfig>` does, writing the same files, unless it has errors:
 * then it writes nothing and reports each error with its file (relative to `reportDir`) and line.
 * @param {string} tsconfig
 * @param {{ programs?: Programs, reportDir?: string }} [options]
 * @returns {{ ok: boolean, errors: string[] }}
 */
export function compileProject(tsconfig, { programs = new Programs(), reportDir = dirname(tsconfig) } = {}) {
  const config = ts.getParsedCommandLineOfConfigFile(tsconfig, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (!config) throw new Error(`cannot read ${tsconfig}`);
  const host = ts.createCompilerHost(config.options);
  // Every compile asks for every file (the libraries' declarations too): an unchanged one is
  // answered from the cache by its stamp, without reading it.
  host.getSourceFile = (fileName, languageVersion) => {
    const stats = statSync(fileName, { throwIfNoEntry: false });
    if (!stats) return undefined;
    const stamp = `${stats.size}:${stats.mtimeMs}`;
    const cached = programs.sourceFiles.get(fileName);
    if (cached?.stamp === stamp) return cached.file;
    const text = ts.sys.readFile(fileName);
    if (text === undefined) return undefined;
    const file = ts.createSourceFile(fileName, text, languageVersion);
    // The builder tells changed files from unchanged ones by this (what tsc --incremental sets).
    /** @type {ts.SourceFile & { version?: string }} */ (file).version = stamp;
    programs.sourceFiles.set(fileName, { stamp, file });
    return file;
  };
  const program = ts.createEmitAndSemanticDiagnosticsBuilderProgram(
    config.fileNames,
    config.options,
    host,
    programs.projects.get(tsconfig),
    config.errors,
    config.projectReferences,
  );
  programs.projects.set(tsconfig, program);
  const diagnostics = [
    ...program.getConfigFileParsingDiagnostics(),
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program.getSyntacticDiagnostics(),
    ...program.getSemanticDiagnostics(),
  ];
  /** @param {readonly ts.Diagnostic[]} found */
  const described = (found) =>
    found.map((diagnostic) => ts.formatDiagnostic(diagnostic, { ...formatHost, getCurrentDirectory: () => reportDir }).trim());
  const errors = described(diagnostics);
  if (errors.length > 0) return { ok: false, errors };
  const emitErrors = described(program.emit().diagnostics);
  return { ok: emitErrors.length === 0, errors: emitErrors };
}

/**
 * How openapi-fetch must read an operation's success body: JSON unless the spec answers only text.
 * @param {import('@payouts/model').Operation} operation
 */
function parseAsOf(operation) {
  const success = operation.responses.find((response) => /^2/.test(response.status));
  const mediaTypes = (success?.content ?? []).map((media) => media.type);
  if (mediaTypes.length === 0 || mediaTypes.some((type) => /[/+]json\b/.test(type))) return 'json';
  return mediaTypes.every((type) => type.startsWith('text/')) ? 'text' : 'blob';
}

/**
 * Whether a walk by creation time can page through the operation's answers (`each()`, the infinite
 * hooks): it filters by `created_at__gte`/`__lte`, sorts by `created_at` both ways, and pages.
 * @param {import('@payouts/model').Parameter[]} query
 */
function isPageable(query) {
  const names = new Set(query.map((p) => p.name));
  const ordering = query.find((p) => p.name === 'ordering')?.schema.enum ?? [];
  return (
    ['created_at__gte', 'created_at__lte', 'page', 'page_size'].every((name) => names.has(name)) &&
    ordering.includes('created_at') &&
    ordering.includes('-created_at')
  );
}

/**
 * What the client needs to know of each operation, by operationId: where it is, how a shortcut
 * takes its arguments (path parameters in path order, then the body, then the query), and how to
 * treat its answer.
 * @param {import('@payouts/model').SpecModel} model
 */
function operationTable(model) {
  /** @param {boolean} present @param {boolean} required */
  const need = (present, required) => (present ? (required ? 'required' : 'optional') : 'none');
  return model.operations.map((operation) => {
    const query = operation.parameters.filter((p) => p.in === 'query');
    const signedWith = operation.credentialHeaders.filter((header) => header !== 'Authorization');
    const entry = {
      method: operation.method,
      path: operation.path,
      pathParams: [...operation.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]),
      body: need(operation.requestBody !== undefined, operation.requestBody?.required === true),
      query: need(
        query.length > 0,
        query.some((p) => p.required),
      ),
      parseAs: parseAsOf(operation),
      pageable: isPageable(query),
      idempotencyKey: operation.parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key'),
      // The provider's callback is signed (its header named here), not sent with a caller's bearer token.
      bearer: operation.credentialHeaders.includes('Authorization'),
      signatureHeader: signedWith[0] ?? null,
      // Each documented status with its media types: an answer outside them is an error, not data.
      responses: Object.fromEntries(operation.responses.map((response) => [response.status, response.content.map((media) => media.type)])),
    };
    const summary = /** @type {{ summary?: unknown }} */ (model.at(operation.pointer)).summary;
    return { operationId: operation.operationId, summary: typeof summary === 'string' ? summary : operation.operationId, entry };
  });
}

/**
 * The table as TypeScript, each operation under its summary (what an editor shows for its shortcut).
 * @param {ReturnType<typeof operationTable>} table
 */
function operationsModule(table) {
  const entries = table.map(({ operationId, summary, entry }) => {
    const doc = `${summary} (${entry.method} ${entry.path})`.replaceAll('*/', '*\\/');
    return `  /** ${doc} */\n  ${operationId}: ${JSON.stringify(entry, null, 2).replaceAll('\n', '\n  ')},\n`;
  });
  return `// Generated by src/build.mjs from @payouts/spec's bundled openapi.json. Do not edit.\nexport const OPERATIONS = {\n${entries.join('')}} as const;\n`;
}

/** @param {string} file @param {string} text */
async function writeAtomically(file, text) {
  await writeFile(`${file}.tmp`, text);
  await rename(`${file}.tmp`, file);
}

/**
 * Builds the client from @payouts/types' current types and the spec's current bundle: the
 * operation table, the compile, the types shipped in dist/. `programs` keeps the compile warm.
 * @param {{ programs?: Programs, packageDir?: string, reportDir?: string }} [options]
 * @returns {Promise<{ ok: boolean, errors: string[] }>}
 */
export async function buildClient({ programs, packageDir = PACKAGE_DIR, reportDir = packageDir } = {}) {
  const packageRequire = createRequire(join(packageDir, 'package.json'));
  const typesFile = packageRequire.resolve('@payouts/types/openapi.d.ts');
  const specFile = packageRequire.resolve('@payouts/spec/openapi.json');
  const generatedDir = join(packageDir, 'src', 'generated');
  await mkdir(generatedDir, { recursive: true });
  await copyFile(typesFile, join(generatedDir, 'openapi.d.ts'));
  await writeAtomically(join(generatedDir, 'operations.ts'), operationsModule(operationTable(loadSpec(specFile))));
  const compiled = compileProject(join(packageDir, 'tsconfig.build.json'), { programs, reportDir });
  if (!compiled.ok) return compiled;
  await mkdir(join(packageDir, 'dist', 'generated'), { recursive: true });
  await copyFile(typesFile, join(packageDir, 'dist', 'generated', 'openapi.d.ts'));
  return compiled;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { ok, errors } = await buildClient();
  if (!ok) {
    console.error(`${errors.join('\n')}\nbuild: the client does not compile against the current spec (the errors above)`);
    process.exitCode = 1;
  }
}
