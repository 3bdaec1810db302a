// @ts-check
// TypeScript compiles in this process. A Programs object keeps each project's program, so the next
// compile of that project re-checks only what changed, and the source files every program read, so
// a file read by several projects (the libraries' declarations, a workspace package's dist/) is
// parsed once. One engine for the callers' packages' `pnpm build`, `pnpm dev`'s warm builds and the
// workspace's type-check.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

/**
 * TypeScript is CommonJS: required, it loads in a third of the CPU an ESM import takes (Node first
 * scans its 9 MB for module syntax and export names), half a CPU-second of every build and type-check.
 * @type {typeof import('typescript')}
 */
const ts = createRequire(import.meta.url)('typescript');

/**
 * TypeScript programs kept between compiles: one per project, and the source files they read, by
 * path and by how they were parsed, with the size and modification time they had (an unchanged
 * file is not read again).
 */
export class Programs {
  /** @type {Map<string, import('typescript').EmitAndSemanticDiagnosticsBuilderProgram>} */
  projects = new Map();
  /** @type {Map<string, { stamp: string, file: import('typescript').SourceFile }>} */
  sourceFiles = new Map();
}

const formatHost = { getCanonicalFileName: (/** @type {string} */ name) => name, getNewLine: () => '\n' };

/**
 * Compiles a project as `tsc -p <tsconfig>` does, writing the same files, unless it has errors:
 * then it writes nothing and reports each error with its file (relative to `reportDir`) and line.
 * `compilerOptions` override the tsconfig's (`{ noEmit: true }`: a type-check that writes nothing).
 * @param {string} tsconfig
 * @param {{ programs?: Programs, reportDir?: string, compilerOptions?: import('typescript').CompilerOptions }} [options]
 * @returns {{ ok: boolean, errors: string[] }}
 */
export function compileProject(tsconfig, { programs = new Programs(), reportDir = dirname(tsconfig), compilerOptions } = {}) {
  const config = ts.getParsedCommandLineOfConfigFile(tsconfig, compilerOptions, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (!config) throw new Error(`cannot read ${tsconfig}`);
  const host = ts.createCompilerHost(config.options);
  // Every compile asks for every file (the libraries' declarations too): an unchanged one is
  // answered from the cache by its stamp, without reading it. How a file is parsed (its target,
  // ESM or CommonJS) is part of its key, so projects that differ there never share a parse.
  host.getSourceFile = (fileName, languageVersionOrOptions) => {
    const stats = statSync(fileName, { throwIfNoEntry: false });
    if (!stats) return undefined;
    const stamp = `${stats.size}:${stats.mtimeMs}`;
    const key = `${fileName}\0${JSON.stringify(languageVersionOrOptions)}`;
    const cached = programs.sourceFiles.get(key);
    if (cached?.stamp === stamp) return cached.file;
    const text = ts.sys.readFile(fileName);
    if (text === undefined) return undefined;
    const file = ts.createSourceFile(fileName, text, languageVersionOrOptions);
    // The builder tells changed files from unchanged ones by this (what tsc --incremental sets).
    /** @type {import('typescript').SourceFile & { version?: string }} */ (file).version = stamp;
    programs.sourceFiles.set(key, { stamp, file });
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
  /** @param {readonly import('typescript').Diagnostic[]} found */
  const described = (found) =>
    found.map((diagnostic) => ts.formatDiagnostic(diagnostic, { ...formatHost, getCurrentDirectory: () => reportDir }).trim());
  const errors = described(diagnostics);
  if (errors.length > 0) return { ok: false, errors };
  const emitErrors = described(program.emit().diagnostics);
  return { ok: emitErrors.length === 0, errors: emitErrors };
}

/**
 * The folders of the pnpm workspace around `dir` that hold a tsconfig.json, as pnpm lists them
 * (the workspace root itself left out).
 * @param {string} dir
 * @returns {{ root: string, projects: string[] }}
 */
export function workspaceProjects(dir) {
  let root = dir;
  while (!existsSync(join(root, 'pnpm-workspace.yaml'))) {
    if (dirname(root) === root) throw new Error(`no pnpm-workspace.yaml in ${dir} or any folder above it`);
    root = dirname(root);
  }
  /** @type {{ path: string }[]} */
  const listed = JSON.parse(execFileSync('pnpm', ['ls', '--recursive', '--depth', '-1', '--json'], { cwd: root, encoding: 'utf8' }));
  const projects = listed.map((project) => project.path).filter((path) => path !== root && existsSync(join(path, 'tsconfig.json')));
  return { root, projects };
}

/**
 * Type-checks each project's tsconfig.json as `tsc -p tsconfig.json --noEmit` does, in this
 * process, one after another with one Programs: each error with its file relative to `reportDir`.
 * @param {string[]} projects folders, each with a tsconfig.json
 * @param {{ reportDir: string, programs?: Programs }} options
 * @returns {{ project: string, errors: string[] }[]} the projects with errors, by folder relative to `reportDir`
 */
export function typecheckProjects(projects, { reportDir, programs = new Programs() }) {
  return projects
    .map((project) => ({
      project: relative(reportDir, project) || '.',
      errors: compileProject(join(project, 'tsconfig.json'), { programs, reportDir, compilerOptions: { noEmit: true } }).errors,
    }))
    .filter((checked) => checked.errors.length > 0);
}
