// The spec build and the types, kept warm in pnpm dev's own process: Redocly's engine
// (@redocly/openapi-core, config loaded once) lints on a worker thread while the main thread
// bundles, runs the spec package's checks and generates the types in memory (openapi-typescript);
// once lint passes, the bundle is swapped in as `pnpm build` does, then the types. No process starts on a save, and the files are byte for byte what turbo's build writes
// (src/warm.test.ts holds it to that).
import { checkBuild } from '@payouts/spec/build';
import { typesOf, writeTypes } from '@payouts/types/generate';
import { bundle, type Config, loadConfig, stringifyYaml } from '@redocly/openapi-core';
import type { LintAnswer, LintRequest } from './lint-worker.js';
import { describeProblem } from './problems.js';
import { WorkerClient } from './worker-client.js';

export interface WarmResult {
  ok: boolean;
  /** What failed, each problem with its file, line and column; or what was built. */
  report: string;
  ms: number;
}

export class WarmPipeline {
  private config: Promise<Config> | undefined;
  private readonly linter = new WorkerClient<LintRequest, LintAnswer>(
    new URL('../dist/lint-worker.js', import.meta.url),
    (id, failure) => ({
      id,
      failure,
    }),
  );

  constructor(
    private readonly specDir: string,
    /** Where the types go: @payouts/types' dist/openapi.d.ts. */
    private readonly typesFile: string,
  ) {}

  async build(): Promise<WarmResult> {
    const started = performance.now();
    const done = (ok: boolean, report: string) => ({ ok, report, ms: performance.now() - started });
    const linted = this.lint();
    this.config ??= loadConfig({ configPath: `${this.specDir}/redocly.yaml` });
    let bundled: Awaited<ReturnType<typeof bundle>>;
    try {
      bundled = await bundle({ ref: `${this.specDir}/openapi/openapi.yaml`, config: await this.config });
    } catch (error) {
      await linted;
      return done(false, `redocly could not read the spec: ${error instanceof Error ? error.message : String(error)}`);
    }
    const unresolved = bundled.problems.filter((problem) => problem.severity === 'error');
    // While the lint runs: the checks, and the types from the bundle in memory; nothing is written
    // unless all of them pass.
    let checked: ReturnType<typeof checkBuild> | undefined;
    let types: Promise<string | undefined> | undefined;
    if (unresolved.length === 0) {
      // Written the way `redocly bundle` writes it, so the bundle is the same file either way.
      const yamlText = stringifyYaml(bundled.bundle.parsed, { noRefs: true, lineWidth: -1 });
      try {
        checked = checkBuild(this.specDir, yamlText);
      } catch (error) {
        checked = { ok: false, report: `the spec checks could not run: ${error instanceof Error ? error.message : String(error)}` };
      }
      if (checked.ok) types = typesOf(bundled.bundle.parsed as Record<string, unknown>).catch(() => undefined);
    }
    const lint = await linted;
    if ('failure' in lint) return done(false, `redocly lint could not run: ${lint.failure}`);
    const errors = [...new Set([...lint.errors, ...unresolved.map((problem) => describeProblem(problem, this.specDir))])];
    if (errors.length > 0) return done(false, `redocly lint failed:\n${errors.join('\n')}`);
    // Lint passed, so the bundle resolved and the checks ran.
    const passed = checked!;
    if (!passed.ok) return done(false, passed.report);
    const text = await types;
    if (text === undefined) return done(false, 'openapi-typescript could not generate the types from the bundle');
    const report = await passed.write();
    await writeTypes(text, this.typesFile);
    return done(true, report);
  }

  /** Stops the lint thread. */
  close(): Promise<void> {
    return this.linter.close();
  }

  private lint(): Promise<LintAnswer> {
    return this.linter.ask({ specDir: this.specDir });
  }
}
