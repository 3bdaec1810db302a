// The generators other teams use, run on our bundle as they would run them: each writes a client,
// and the client must compile under strict tsc with every component under its own name (no
// `PayoutTo2` for a parameter and a schema that shared one). openapi-typescript-codegen reads
// OpenAPI 3.0 only, so it gets the 3.0.3 bundle.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileProject, Programs } from '@payouts/compile';
import { run } from '@payouts/process';
import { bundlePath } from '@payouts/spec';
import { afterAll, describe, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(PACKAGE_DIR, 'node_modules', '.bin');
// Inside the package, so the generated code finds what it imports (orval's axios) as a caller's would.
const OUT = await mkdtemp(join(PACKAGE_DIR, '.generated-'));
afterAll(() => rm(OUT, { recursive: true, force: true }));

const programs = new Programs();
const SPEC = bundlePath('json');
const SPEC_30 = bundlePath('json', '3.0');
const document = JSON.parse(await readFile(SPEC, 'utf8')) as { components: Record<string, Record<string, unknown>> };

interface Generator {
  name: string;
  command: string;
  args: (out: string) => string[];
}

const GENERATORS: Generator[] = [
  { name: '@hey-api/openapi-ts', command: 'openapi-ts', args: (out) => ['-i', SPEC, '-o', out] },
  { name: 'orval', command: 'orval', args: (out) => ['--input', SPEC, '--output', join(out, 'api.ts')] },
  { name: 'swagger-typescript-api', command: 'swagger-typescript-api', args: (out) => ['generate', '-p', SPEC, '-o', out, '-n', 'api.ts'] },
  { name: 'openapi-typescript-codegen', command: 'openapi', args: (out) => ['-i', SPEC_30, '-o', out] },
];

async function typeScriptFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.ts')).map((entry) => join(entry.parentPath, entry.name));
}

/** Every component name of the bundle, whatever its kind. */
const COMPONENT_NAMES = Object.values(document.components).flatMap((components) => Object.keys(components));

describe.each(GENERATORS)('$name', ({ name, command, args }) => {
  const out = join(OUT, command);

  it('writes a client from the bundle', async () => {
    const generated = await run(join(BIN, command), args(out), { timeoutMs: 120_000, cwd: PACKAGE_DIR });
    expect(generated.ok, generated.output).toBe(true);
    expect((await typeScriptFiles(out)).length, `${name} wrote no TypeScript`).toBeGreaterThan(0);
  });

  it('whose code compiles under strict tsc', async () => {
    // As `tsc --strict --noEmit --skipLibCheck <files>` would, in this process: the four clients'
    // compiles share the libraries' declarations.
    const compilerOptions = {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    };
    const tsconfig = join(out, 'tsconfig.strict.json');
    await writeFile(tsconfig, JSON.stringify({ compilerOptions, files: await typeScriptFiles(out) }));
    const compiled = compileProject(tsconfig, { programs, reportDir: PACKAGE_DIR });
    expect(compiled.errors).toEqual([]);
    expect(compiled.ok).toBe(true);
  });

  it('with every component under its own name', async () => {
    const code = (await Promise.all((await typeScriptFiles(out)).map((file) => readFile(file, 'utf8')))).join('\n');
    const renamed = COMPONENT_NAMES.filter((component) => new RegExp(`\\b${component}\\d+\\b`).test(code));
    expect(renamed).toEqual([]);
  });
});
