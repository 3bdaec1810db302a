/** TypeScript programs kept between compiles (one per project), so the next compile re-checks only what changed. */
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
export declare function compileProject(tsconfig: string, options?: { programs?: Programs; reportDir?: string }): CompileResult;

/** Builds the client from @payouts/types' current types and the spec's current bundle. */
export declare function buildClient(options?: { programs?: Programs; packageDir?: string; reportDir?: string }): Promise<CompileResult>;
