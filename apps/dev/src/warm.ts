// The spec build and the types, kept warm in pnpm dev's own process: the spec package's own
// builder (Redocly's library, config loaded once, lint on its thread) hands over the bundle while
// the lint runs, and the types are generated from it in memory (openapi-typescript); once lint
// passes, the bundle is swapped in, then the types. No process starts on a save, and the files are
// byte for byte what turbo's build writes (src/warm.test.ts holds it to that).
import { SpecBuilder } from '@payouts/spec/build';
import { typesOf, writeTypes } from '@payouts/types/generate';

export interface WarmResult {
  ok: boolean;
  /** What failed, each problem with its file, line and column; or what was built. */
  report: string;
  ms: number;
}

export class WarmPipeline {
  private readonly spec: SpecBuilder;

  /** Other copies of the spec and the types file (a test's workspace copy); default the installed packages. */
  constructor(private readonly copies: { specDir?: string; typesFile?: string } = {}) {
    this.spec = new SpecBuilder(copies.specDir);
  }

  async build(): Promise<WarmResult> {
    const started = performance.now();
    const done = (ok: boolean, report: string) => ({ ok, report, ms: performance.now() - started });
    const built = await this.spec.build((document) => typesOf(document));
    if (!built.ok) return done(false, built.report);
    if (built.extra === undefined) return done(false, 'openapi-typescript could not generate the types from the bundle');
    const report = await built.write();
    await writeTypes(built.extra, this.copies.typesFile);
    return done(true, report);
  }

  /** Stops the lint thread. */
  close(): Promise<void> {
    return this.spec.close();
  }
}
