import type { CompilerOptions } from 'typescript';

/** TypeScript programs kept between compiles (one per project) and the source files they read, parsed once. */
export declare class Programs {
  readonly projects: Map<string, unknown>;
  readonly sourceFiles: Map<string, unknown>;
}

export interface CompileResult {
  ok: boolean;
  /** Each error with its file and line. */
  errors: string[];
}

/** Compiles a project as `tsc -p <tsconfig>` does, writing the same files; with errors it writes nothing. */
export declare function compileProject(
  tsconfig: string,
  options?: { programs?: Programs; reportDir?: string; compilerOptions?: CompilerOptions },
): CompileResult;

/** The folders of the pnpm workspace around `dir` that hold a tsconfig.json. */
export declare function workspaceProjects(dir: string): { root: string; projects: string[] };

/** Type-checks each project's tsconfig.json in this process; the projects with errors. */
export declare function typecheckProjects(
  projects: string[],
  options: { reportDir: string; programs?: Programs },
): { project: string; errors: string[] }[];
