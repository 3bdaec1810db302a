// Bundles the Try-it panel's two page scripts (src/try-it/boot.ts, src/try-it/panel.ts) with the
// contract checker and its Ajv validators, for the browser, into dist-server/try-it/*.bundle.js,
// which the docs build inlines into the page. The few Node modules the checker's package imports
// for reading files are never called in the page: they resolve to src/try-it/not-in-the-page.ts.
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const at = (path) => fileURLToPath(new URL(path, import.meta.url));
const notInThePage = at('../src/try-it/not-in-the-page.ts');

for (const name of ['boot', 'panel']) {
  await build({
    input: at(`../src/try-it/${name}.ts`),
    platform: 'browser',
    resolve: { alias: { 'node:fs': notInThePage, 'node:crypto': notInThePage, yaml: notInThePage } },
    logLevel: 'warn',
    output: { file: at(`../dist-server/try-it/${name}.bundle.js`), format: 'iife', minify: true, comments: { legal: false } },
  });
}
