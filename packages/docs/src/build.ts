// Builds dist/index.html: the bundled spec plus generated code samples, rendered in this process
// by Redoc (render.ts: what `redocly build-docs --inlineBundle` writes) into one file that loads
// nothing from another host, with the Try-it panel beside it (try-it/page.ts). The page is
// swapped in atomically, and a failed build leaves the last good page in place.
//
// Usage: node dist-server/build.js [specFile] [outDir]
//   (default: @payouts/spec's dist/openapi.yaml, and this package's dist/)
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registeredContracts } from '@payouts/contracts';
import { bundlePath, CHANGELOG } from '@payouts/spec';
import { parse } from 'yaml';
import { withCodeSamples } from './code-samples.js';
import { withConsumers } from './consumers.js';
import { renderDocsPage } from './render.js';
import { externalFetches, inlineCdnAssets } from './self-contained.js';
import { withTryIt } from './try-it/page.js';

export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUT_DIR = join(PACKAGE_DIR, 'dist');
/** The page `pnpm build` writes, which the docs server answers. */
export const DOCS_PAGE = join(DEFAULT_OUT_DIR, 'index.html');

export interface DocsBuild {
  htmlFile: string;
  bytes: number;
  milliseconds: number;
}

async function readSpec(specFile: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(specFile, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist (build @payouts/spec first)' : String(error);
    throw new Error(`cannot read the bundled spec ${specFile}: ${reason}`);
  }
  const document: unknown = parse(text); // YAML is a superset of JSON: either file works
  if (typeof document !== 'object' || document === null || !('paths' in document)) {
    throw new Error(`${specFile} is not an OpenAPI document (no paths)`);
  }
  return document as Record<string, unknown>;
}

/**
 * The contract's changelog, newest first, as the last section of the page's introduction (Redoc
 * lists its headings in the menu); the version itself is in the page's title, from info.version.
 */
async function withChangelog(document: Record<string, unknown>, changelogFile: string): Promise<Record<string, unknown>> {
  let changelog: string;
  try {
    changelog = await readFile(changelogFile, 'utf8');
  } catch {
    return document; // a spec of your own, without a changelog
  }
  const entries = changelog.slice(Math.max(0, changelog.search(/^## /m)));
  const info = (document.info ?? {}) as Record<string, unknown>;
  // Each release (## heading) sits under the Changelog heading in the menu.
  const section = `\n\n# Changelog\n\n${entries}`;
  return { ...document, info: { ...info, description: `${String(info.description ?? '')}${section}` } };
}

/** Builds `<outDir>/index.html` from a bundled spec. Throws, naming the cause, if the page cannot be built. */
export async function buildDocs({
  specFile = bundlePath('yaml'),
  outDir = DEFAULT_OUT_DIR,
  changelogFile = CHANGELOG,
  contractsDir = registeredContracts(),
}: {
  specFile?: string;
  outDir?: string;
  changelogFile?: string;
  contractsDir?: string;
} = {}): Promise<DocsBuild> {
  const started = performance.now();
  const spec = await readSpec(specFile);
  const document = withCodeSamples(withConsumers(await withChangelog(spec, changelogFile), contractsDir));
  let html: string;
  try {
    html = inlineCdnAssets(await renderDocsPage(document));
  } catch (error) {
    throw new Error(`Redoc could not render the page: ${error instanceof Error ? error.message : String(error)}`);
  }
  html = withTryIt(html, spec);
  const external = externalFetches(html);
  if (external.length > 0) {
    throw new Error(`the page would load from other hosts, so it is not self-contained: ${external.join(', ')}`);
  }
  await mkdir(outDir, { recursive: true });
  const htmlFile = join(outDir, 'index.html');
  const workDir = await mkdtemp(join(outDir, '.build-'));
  try {
    const page = join(workDir, 'index.html');
    await writeFile(page, html);
    // rename() is atomic: the server answers the old page or the new one, never half of one.
    await rename(page, htmlFile);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  return { htmlFile, bytes: Buffer.byteLength(html), milliseconds: performance.now() - started };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [specFile, outDir] = process.argv.slice(2);
  try {
    const built = await buildDocs({ specFile: specFile && resolve(specFile), outDir: outDir && resolve(outDir) });
    const size = (built.bytes / 1024 / 1024).toFixed(2);
    console.log(`built ${relative(process.cwd(), built.htmlFile)} (${size} MB) in ${Math.round(built.milliseconds)} ms`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
