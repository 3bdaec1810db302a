export declare function generateTypes(specFile: string, outFile: string): Promise<void>;
export declare function typesOf(spec: URL | Record<string, unknown>): Promise<string>;
export declare function writeTypes(text: string, outFile?: string): Promise<void>;
