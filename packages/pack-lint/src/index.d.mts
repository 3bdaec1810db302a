export interface Packed {
  /** The tarball's path, when pnpm packed it. */
  tarball?: string;
  /** The package.json inside the tarball, as published (with the tarball). */
  manifest?: { version?: string; [field: string]: unknown };
  /** What is wrong with it, each line led by the package's name; none when it is fit to publish. */
  problems: string[];
}

/** Packs the package in `dir` into `destination` as pnpm publishes it, and lints the tarball with publint (strict: warnings are problems). */
export declare function packAndLint(dir: string, destination: string): Promise<Packed>;

/** Are the Types Wrong on a tarball, with attw's own options (e.g. `--profile esm-only`); its report, and whether it found problems. */
export declare function checkTypes(tarball: string, options: string[]): Promise<{ ok: boolean; report: string }>;
