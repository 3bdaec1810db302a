export declare function buildSpec(specDir?: string): Promise<{ ok: boolean; report: string }>;
export declare function finishBuild(specDir: string, yamlText: string): Promise<{ ok: boolean; report: string }>;
export declare function checkBuild(
  specDir: string,
  yamlText: string,
): { ok: false; report: string } | { ok: true; write(): Promise<string> };
