// The clients' type-check, warm, on a thread of its own: one TypeScript program per project kept
// from save to save (a semantic-diagnostics builder over the last one, with every unchanged source
// file reused), so a save re-checks only what the new types reach, and no tsc starts.
import { statSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import ts from 'typescript';

export interface CheckedProject {
  /** The project's tsconfig (its build config: the files that ship). */
  tsconfig: string;
  /** Module names resolved to other files (a dependency's sources instead of its built declarations). */
  paths?: Record<string, string[]>;
}

export interface TypeCheckRequest {
  id: number;
  /** Where the messages' file names are relative to. */
  root: string;
  projects: CheckedProject[];
  /** Files read from elsewhere: a copy of the types that the package build has not refreshed yet. */
  redirects: Record<string, string>;
}

export type TypeCheckAnswer = { id: number; errors: string[] } | { id: number; failure: string };

interface CachedFile {
  /** The read file's size and modification time: unchanged, it is not read again. */
  stamp: string;
  file: ts.SourceFile;
}

/** Source files by path, shared by every project and kept across saves. */
const sourceFiles = new Map<string, CachedFile>();
const programs = new Map<string, ts.SemanticDiagnosticsBuilderProgram>();

const formatHost = { getCanonicalFileName: (fileName: string) => fileName, getNewLine: () => '\n' };

/** Each error by where it is and what it is, so an error both projects see is reported once. */
function check(project: CheckedProject, redirects: Record<string, string>, root: string): Map<string, string> {
  const config = ts.getParsedCommandLineOfConfigFile(
    project.tsconfig,
    { noEmit: true },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error(`cannot read ${project.tsconfig}`);
  // Checked, not built: no outputs, so no rootDir either (a dependency's sources may come in through `paths`).
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    rootDir: undefined,
    ...(project.paths ? { paths: project.paths } : {}),
  };
  const host = ts.createCompilerHost(options);
  const read = (fileName: string) => ts.sys.readFile(redirects[fileName] ?? fileName);
  host.readFile = read;
  // Every check asks for every file (the libraries' declarations too): an unchanged one is
  // answered from the cache by its stamp, without reading it.
  host.getSourceFile = (fileName, languageVersion) => {
    const stats = statSync(redirects[fileName] ?? fileName, { throwIfNoEntry: false });
    if (!stats) return undefined;
    const stamp = `${stats.size}:${stats.mtimeMs}`;
    const cached = sourceFiles.get(fileName);
    if (cached?.stamp === stamp) return cached.file;
    const text = read(fileName);
    if (text === undefined) return undefined;
    const file = ts.createSourceFile(fileName, text, languageVersion);
    // The builder tells changed files from unchanged ones by this (what tsc --incremental sets).
    (file as ts.SourceFile & { version: string }).version = stamp;
    sourceFiles.set(fileName, { stamp, file });
    return file;
  };
  const program = ts.createSemanticDiagnosticsBuilderProgram(config.fileNames, options, host, programs.get(project.tsconfig), [
    ...config.errors,
  ]);
  programs.set(project.tsconfig, program);
  const diagnostics = [
    ...program.getConfigFileParsingDiagnostics(),
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program.getSyntacticDiagnostics(),
    ...program.getSemanticDiagnostics(),
  ];
  return new Map(
    diagnostics.map((diagnostic) => [
      `${diagnostic.file?.fileName}:${diagnostic.start}:${diagnostic.code}`,
      ts.formatDiagnostic(diagnostic, { ...formatHost, getCurrentDirectory: () => root }).trim(),
    ]),
  );
}

parentPort?.on('message', ({ id, root, projects, redirects }: TypeCheckRequest) => {
  try {
    // A client error also shows in the React project, which compiles the client's sources.
    const errors = new Map(projects.flatMap((project) => [...check(project, redirects, root)]));
    parentPort?.postMessage({ id, errors: [...errors.values()] } satisfies TypeCheckAnswer);
  } catch (error) {
    parentPort?.postMessage({ id, failure: error instanceof Error ? error.message : String(error) } satisfies TypeCheckAnswer);
  }
});
