export declare function buildSpec(specDir?: string): Promise<{ ok: boolean; report: string }>;

export type SpecBuild<T> = { ok: false; report: string } | { ok: true; extra: T | undefined; write(): Promise<string> };

export declare class SpecBuilder {
  readonly specDir: string;
  constructor(specDir?: string);
  build<T = never>(alongside?: (document: Record<string, unknown>) => Promise<T>): Promise<SpecBuild<T>>;
  close(): Promise<void>;
}
