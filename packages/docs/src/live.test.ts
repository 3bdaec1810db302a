// An open docs page follows pnpm dev's rebuilds by itself, in a real Chromium: it reloads after a
// good save, and shows the failed one's report (file and line) over the last good page.
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '@payouts/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_PAGE } from './build.js';
import { type DocsServer, serveDocs } from './serve.js';

let dir: string;
let pageFile: string;
let docs: DocsServer;
let browser: Browser;
let page: Page;
const requested: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'payouts-docs-live-'));
  pageFile = join(dir, 'index.html');
  await copyFile(DOCS_PAGE, pageFile);
  docs = await serveDocs({ pageFile, live: true });
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('request', (request) => requested.push(request.url()));
  await page.goto(docs.url);
  await page.locator('h1').first().waitFor();
});
afterAll(async () => {
  await browser?.close();
  await docs?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a live docs page', { timeout: 60_000 }, () => {
  it('shows a failed build with its file and line over the last good page', async () => {
    const report = "redocly lint failed:\nopenapi/paths/payouts_{id}_retry.yaml:22:13 no-unresolved-refs: Can't resolve $ref";
    docs.notify({ kind: 'failed', report });
    const box = page.locator('#payouts-build-failed');
    await box.waitFor();
    expect(await box.innerText()).toContain('openapi/paths/payouts_{id}_retry.yaml:22:13 no-unresolved-refs');
  });

  it('reloads itself after a good rebuild, showing the new page', async () => {
    const built = await readFile(pageFile, 'utf8');
    await writeFile(pageFile, built.replaceAll('Crego LMS Payouts API', 'Crego LMS Payouts API, rebuilt'));
    const reloaded = page.waitForEvent('load');
    docs.notify({ kind: 'reload' });
    await reloaded;
    await page.locator('h1').first().waitFor();
    expect(await page.locator('h1').first().innerText()).toContain('Crego LMS Payouts API, rebuilt');
    expect(await page.locator('#payouts-build-failed').count()).toBe(0);
  });

  it('asks nothing of any host but its own, and the page file on disk stays as built', async () => {
    const network = requested.filter((url) => /^(https?|wss?):/.test(url)); // blob: and data: stay in the page
    expect(network.filter((url) => !url.startsWith(docs.url))).toEqual([]);
    expect(await readFile(pageFile, 'utf8')).not.toContain('EventSource');
  });
});
