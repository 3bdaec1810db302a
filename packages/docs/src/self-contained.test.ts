import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OUT_DIR } from './build.js';
import { externalFetches, inlineCdnAssets } from './self-contained.js';

describe('self-contained page checks', () => {
  it('finds what a browser would fetch from another host', () => {
    const html = [
      '<script src="https://cdn.redocly.com/redoc/v3/bundles/redoc.standalone.js"></script>',
      '<link rel="stylesheet" href="//fonts.googleapis.com/css?family=Roboto">',
      '<img alt="logo" src=https://example.com/logo.png>',
      '<style>body { background: url("https://example.com/bg.png") }</style>',
      '<script type="module">import { hydrate } from "https://unpkg.com/redoc";</script>',
      '<script>const icons = `https://cdn.redocly.com/icons/fa/7.0.0`;</script>',
    ].join('\n');
    expect(externalFetches(html)).toEqual([
      'https://cdn.redocly.com/redoc/v3/bundles/redoc.standalone.js',
      'https://example.com/logo.png',
      '//fonts.googleapis.com/css?family=Roboto',
      'https://example.com/bg.png',
      'https://unpkg.com/redoc',
      'https://cdn.redocly.com/icons/fa/7.0.0',
    ]);
  });

  it('leaves links a reader clicks and XML namespaces alone', () => {
    const html = [
      '<a href="https://api-docs.crego.io">upstream docs</a>',
      '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
      '<script>const server = "https://preprod.api.crego.io";</script>',
    ].join('\n');
    expect(externalFetches(html)).toEqual([]);
  });

  it("swaps Redoc's CDN logo and icon sets for inline data", () => {
    const html = '<img src="https://cdn.redoc.ly/redoc/logo-mini-full.svg">`https://cdn.redocly.com/icons/code/5.24.0`';
    const inlined = inlineCdnAssets(html);
    expect(inlined).toMatch(/^<img src="data:image\/svg\+xml,%3Csvg[^"]*Redoc[^"]*">`data:image\/svg\+xml,`$/);
    expect(externalFetches(inlined)).toEqual([]);
  });

  it('built a page with nothing to fetch elsewhere, under a policy that forbids it', async () => {
    const page = await readFile(join(DEFAULT_OUT_DIR, 'index.html'), 'utf8');
    expect(externalFetches(page)).toEqual([]);
    expect(page).toMatch(/<meta http-equiv="Content-Security-Policy"\s+content="default-src 'none';/);
  });
});
