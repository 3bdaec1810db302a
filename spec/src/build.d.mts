export declare function buildSpec(specDir?: string): Promise<{ ok: boolean; report: string }>;
