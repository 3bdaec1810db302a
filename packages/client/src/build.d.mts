import type { CompileResult, Programs } from '@payouts/compile';

/** Builds the client from @payouts/types' current types and the spec's current bundle. */
export declare function buildClient(options?: { programs?: Programs; packageDir?: string; reportDir?: string }): Promise<CompileResult>;
