import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRedocly } from '@payouts/process';
import { bundlePath } from '@payouts/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCodeSamples } from './code-samples.js';
import { REDOC_OPTIONS, renderDocsPage, TEMPLATE } from './render.js';

function firstDifference(a: string, b: string): string {
  let at = 0;
  while (at < a.length && a[at] === b[at]) at += 1;
  return `at character ${at}:\n  ours:    ${JSON.stringify(a.slice(at - 80, at + 80))}\n  redocly: ${JSON.stringify(b.slice(at - 80, at + 80))}`;
}

describe('renderDocsPage', () => {
  let workDir: string;
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'payouts-docs-render-'));
  });
  afterAll(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('writes the page `redocly build-docs --inlineBundle` writes from the same spec, template and options, byte for byte', async () => {
    const document = withCodeSamples(JSON.parse(await readFile(bundlePath('json'), 'utf8')));
    const specFile = join(workDir, 'openapi.json');
    const config = join(workDir, 'redocly.yaml');
    const page = join(workDir, 'redoc-static.html');
    await writeFile(specFile, JSON.stringify(document));
    await writeFile(config, `telemetry: off\nopenapi: ${JSON.stringify(REDOC_OPTIONS)}\n`);
    const redocly = await runRedocly([
      'build-docs',
      specFile,
      '--inlineBundle',
      '--template',
      TEMPLATE,
      '--config',
      config,
      '--output',
      page,
    ]);
    expect(redocly.ok, redocly.output).toBe(true);

    const theirs = await readFile(page, 'utf8');
    const ours = await renderDocsPage(document);
    expect(ours === theirs, ours === theirs ? '' : firstDifference(ours, theirs)).toBe(true);
    // A second render in the same process (pnpm dev's case) is the same page.
    expect((await renderDocsPage(document)) === ours).toBe(true);
  });

  it('puts the spec in the page so that no text of it can end the script it sits in', async () => {
    const document = withCodeSamples(JSON.parse(await readFile(bundlePath('json'), 'utf8')));
    const info = document.info as Record<string, unknown>;
    const hostile = {
      ...document,
      info: { ...info, title: 'Payouts <b>&</b>', description: 'ends here? </script><script>alert(1)</script>\u2028' },
    };
    const html = await renderDocsPage(hostile);
    expect(html).toContain('<title>Payouts &lt;b&gt;&amp;&lt;/b&gt;</title>');
    expect(html).toContain('ends here? \\u003c/script>\\u003cscript>alert(1)\\u003c/script>\\u2028');
    expect(html).not.toContain('</script><script>alert(1)');
  });
});
