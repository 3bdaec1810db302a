import type { CompileResult, Programs } from '@payouts/compile';

/** Compiles the hooks against @payouts/client's built declarations, as `pnpm build` does. */
export declare function buildReact(options?: { programs?: Programs; packageDir?: string; reportDir?: string }): Promise<CompileResult>;
