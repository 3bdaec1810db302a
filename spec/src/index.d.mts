import type { SpecModel } from '@payouts/model';

export declare function bundlePath(format?: 'json' | 'yaml', version?: '3.1' | '3.0'): string;
export declare function loadSpec(file?: string): SpecModel;
export declare const UPSTREAM_PROCESS_PAYOUT_PAGE: string;
/** What a build of the spec reads: the split sources and the lint config (what `pnpm dev` watches). */
export declare const SOURCES: { readonly dir: string; readonly lintConfig: string };
export declare function copySources(dir: string): Promise<void>;
export declare const RELEASES_DIR: string;
export declare function compareVersions(a: string, b: string): number;
export declare function releases(dir?: string): string[];
export declare function releasePath(version: string): string;
export declare const CHANGELOG: string;
