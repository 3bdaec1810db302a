export declare function generateTypes(specFile: string, outFile: string): Promise<void>;
