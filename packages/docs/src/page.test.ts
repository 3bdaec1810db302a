// The built page in a real headless Chromium (Debian's, as CI installs it), read as a person
// would read it: what is on screen, what a click shows, and every request the page makes.
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type OperationUse, readContracts, registeredContracts, usageByOperation } from '@payouts/contracts';
import { mediaTypeOf } from '@payouts/model';
import { CHANGELOG, loadSpec } from '@payouts/spec';
import { launchChromium } from '@payouts/testing';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OUT_DIR } from './build.js';
import { codeSamplesFor } from './code-samples.js';
import { type DocsServer, serveDocs } from './serve.js';

const VIEWPORT = { width: 1400, height: 900 };

const model = loadSpec();

/** What a reader must find about one operation, taken from the spec the page was built from. */
interface ExpectedOperation {
  operationId: string;
  method: string;
  path: string;
  summary: string;
  fields: string[];
  responseCodes: string[];
  decidedHere: string;
  samples: { curl: string; typeScript: string };
}

/** Markdown as Redoc shows it as text: no code ticks or emphasis, one space between words. */
function asReadText(markdown: string): string {
  return markdown.replace(/[`*]/g, '').replace(/\s+/g, ' ').trim();
}

function expectedOperations(): ExpectedOperation[] {
  return model.operations.map((operation) => {
    const node = model.at(operation.pointer);
    let bodySchema = mediaTypeOf(operation.requestBody?.content ?? [], 'application/json')?.schema;
    if (bodySchema?.oneOf) bodySchema = model.resolve(bodySchema.oneOf[0]); // Redoc shows the first variant
    const [curl, typeScript] = codeSamplesFor(model, operation).map((sample) => sample.source);
    return {
      operationId: operation.operationId,
      method: operation.method,
      path: operation.path,
      summary: node.summary,
      fields: [...operation.parameters.map((parameter) => parameter.name), ...Object.keys(bodySchema?.properties ?? {})],
      responseCodes: operation.responses.map((response) => response.status),
      decidedHere: asReadText(/Decided here[\s\S]*$/.exec(node.description)![0]),
      samples: { curl: curl!, typeScript: typeScript! },
    };
  });
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

let docs: DocsServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const requests: string[] = [];
const problems: string[] = [];

beforeAll(async () => {
  docs = await serveDocs();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: VIEWPORT });
  context.on('request', (request) => requests.push(request.url()));
  await context.addInitScript(() => {
    // A request the page's security policy blocks never reaches the network log: catch those too.
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`blocked by the page's policy: ${event.blockedURI} (${event.violatedDirective})`);
    });
  });
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
});

afterAll(async () => {
  await browser?.close();
  await docs?.close();
});

/** Loads the page afresh (not a same-document hash change), as opening a link would. */
async function open(hash = ''): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`${docs.url}${hash}`);
  await page.getByRole('link', { name: 'Lifecycle of a payout' }).waitFor();
}

// Headings match on their text: their accessible name also holds a "link to ..." label.
function headingText(text: string): RegExp {
  return new RegExp(`^\\s*${text}\\s*$`);
}

function heading(text: string) {
  return page
    .locator('main')
    .locator('h1, h2')
    .filter({ hasText: headingText(text) });
}

function operationSection(summary: string) {
  const ownHeading = page.locator('h2').filter({ hasText: headingText(summary) });
  return page.locator('main [data-item-kind="httpItem"]').filter({ has: ownHeading });
}

/** Clicks the operation in the sidebar (opening its tag first, as a reader must) and returns its section's text. */
async function openFromMenu(operation: ExpectedOperation): Promise<string> {
  const item = page.getByRole('link', { name: new RegExp(`^${operation.summary}\\s*${operation.method}$`, 'i') });
  if (!(await item.isVisible())) await page.getByRole('link', { name: 'Payouts', exact: true }).click();
  await item.click();
  const section = operationSection(operation.summary);
  await section.waitFor();
  return section.innerText();
}

/**
 * Waits until `target` has stayed put in the upper half of the screen for a few frames: after a
 * deep link Redoc renders sections around the target and scrolls more than once, with a blank
 * frame or two between.
 */
async function settledOn(target: Locator): Promise<void> {
  await target.waitFor();
  await target.evaluate(
    (element, viewportHeight) =>
      new Promise<void>((resolvePromise) => {
        let lastTop = NaN;
        let stillFrames = 0;
        const check = () => {
          const { top } = element.getBoundingClientRect();
          const inUpperHalf = top >= 0 && top < viewportHeight / 2;
          stillFrames = inUpperHalf && top === lastTop ? stillFrames + 1 : 0;
          lastTop = top;
          if (stillFrames >= 10) resolvePromise();
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
    VIEWPORT.height,
  );
}

/** The request sample shown beside the current operation, after picking `label` in its language menu. */
async function requestSample(operation: ExpectedOperation, label: string): Promise<string> {
  const panel = operationSection(operation.summary)
    .locator('[data-component-name="Panel/Panel"]')
    .filter({ has: page.locator('[data-component-name="Dropdown/Dropdown"]') })
    .first();
  // Its menus: the server, the example (when there are several), and the language, which shows one of ours.
  const languageMenu = panel.locator('[data-component-name="Dropdown/Dropdown"]').filter({ hasText: /^\s*(curl|TypeScript|Payload)\s*$/ });
  if (oneLine(await languageMenu.innerText()) !== label) {
    await languageMenu.click();
    await page.locator('[data-component-name="Dropdown/DropdownMenuItem"]:visible').getByText(label, { exact: true }).click();
    // The menu and the sample change in one render: read the sample once the menu shows the choice
    // (read at once, a busy CI machine could still show the previous language's sample).
    await panel
      .locator('[data-component-name="Dropdown/Dropdown"]')
      .filter({ hasText: headingText(label) })
      .waitFor();
  }
  return panel.locator('[data-component-name="CodeBlock/CodeBlock"]').first().innerText();
}

describe('the docs page in Chromium', () => {
  it("shows the lifecycle of a payout on the first screen, as a table, and the simulated bank's outcomes", async () => {
    await open();
    const menu = await page.locator('[data-component-name="Menu/MenuItem"]').allInnerTexts();
    expect(menu.slice(0, 2).map(oneLine)).toEqual([model.document.info.title, 'Lifecycle of a payout']);

    // The description's tables, in order: the lifecycle, then the simulated bank's outcomes.
    const tables: string[][][] = [];
    let inTable = false;
    for (const line of (model.document.info.description as string).split('\n')) {
      if (!line.startsWith('|')) {
        inTable = false;
        continue;
      }
      if (!inTable) tables.push([]);
      inTable = true;
      if (!/^\|[-| ]+\|$/.test(line)) tables.at(-1)!.push(line.slice(1, -1).split('|').map(asReadText));
    }
    const renderedTable = (n: number) =>
      page
        .locator('main table')
        .nth(n)
        .locator('tr')
        .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => (cell.textContent ?? '').trim())));
    const lifecycle = page.locator('main table').first();
    expect(await lifecycle.isVisible()).toBe(true);
    expect((await lifecycle.boundingBox())!.y).toBeLessThan(VIEWPORT.height); // no scrolling needed
    expect(await renderedTable(0)).toEqual(tables[0]);
    expect(await renderedTable(0)).toContainEqual(['failed or reversed', 'Retry Failed Payout', 'pending', expect.any(String)]);
    expect(await renderedTable(0)).toContainEqual(['processed', 'Payout Callback (reversal)', 'reversed', expect.any(String)]);
    expect(await renderedTable(1)).toEqual(tables[1]);
    expect(await renderedTable(1)).toContainEqual(['03', expect.stringContaining('reversed')]);
  });

  it('shows the contract version in the title and the changelog, newest first', async () => {
    await open();
    const version = String(model.document.info.version);
    expect(oneLine(await page.locator('h1').first().innerText())).toContain(`(${version})`);
    const menu = (await page.locator('[data-component-name="Menu/MenuItem"]').allInnerTexts()).map(oneLine);
    expect(menu).toContain('Changelog');
    const releases = [...readFileSync(CHANGELOG, 'utf8').matchAll(/^## (\d+\.\d+\.\d+ \(\d{4}-\d{2}-\d{2}\))$/gm)].map((m) => m[1]!);
    expect(releases.length).toBeGreaterThan(0);
    const headings = (await page.locator('h2').allInnerTexts()).map(oneLine);
    expect(headings.filter((text) => /^\d+\.\d+\.\d+ \(/.test(text))).toEqual(releases);
  });

  it('has each operation of the spec with its method, path, request fields, responses and decided-here note', async () => {
    const operations = expectedOperations();
    // Every operation the document's paths hold, counted from the document itself.
    const documented = Object.values(model.document.paths as Record<string, object>).flatMap((item) =>
      Object.keys(item).filter((key) => ['get', 'put', 'post', 'delete', 'patch'].includes(key)),
    );
    expect(operations).toHaveLength(documented.length);
    await open();
    for (const { operationId, summary, method, path, fields, responseCodes, decidedHere } of operations) {
      const text = await openFromMenu(operations.find((operation) => operation.operationId === operationId)!);
      expect(text, operationId).toMatch(new RegExp(`^${summary}$`, 'm'));
      expect(oneLine(text), operationId).toContain(`${method} ${path}`);
      // Request fields are listed above the responses, each name on its own line.
      const [request, responses] = text.split(/^Responses$/m);
      for (const field of fields) expect(request, `${operationId} request field ${field}`).toMatch(new RegExp(`^${field}$`, 'm'));
      for (const code of responseCodes) expect(responses, `${operationId} response ${code}`).toMatch(new RegExp(`^${code}$`, 'm'));
      expect(oneLine(text), operationId).toContain(decidedHere);
    }
  });

  it('shows a curl and a TypeScript sample on every operation, the ones generated from the spec', async () => {
    await open();
    for (const operation of expectedOperations()) {
      await openFromMenu(operation);
      expect(oneLine(await requestSample(operation, 'curl')), operation.operationId).toBe(oneLine(operation.samples.curl));
      const typeScript = await requestSample(operation, 'TypeScript');
      expect(oneLine(typeScript), operation.operationId).toBe(oneLine(operation.samples.typeScript));
      expect(typeScript).toContain(`client.${operation.method}('${operation.path}'`);
    }
  });

  it('says which registered consumers use each operation, and finds an operation by a field they rely on', async () => {
    const usage = usageByOperation(model, readContracts(registeredContracts()));
    expect(usage.size).toBeGreaterThan(0);
    await open();
    for (const operation of expectedOperations()) {
      const uses = usage.get(operation.operationId);
      const text = oneLine(await openFromMenu(operation));
      if (!uses) {
        expect(text, operation.operationId).not.toContain('Used by');
        continue;
      }
      expect(text, operation.operationId).toContain(`Used by ${uses.map((u) => u.consumer).join(', ')}`);
      for (const use of uses) expect(text).toContain(`${use.consumer}: ${use.fields.join(', ')}`);
    }
    // A spec author about to change a field searches for it and finds who relies on it.
    const [operationId, [use]] = [...usage].find(([, uses]) => uses[0]!.fields.some((f) => f.startsWith('response.body.')))! as [
      string,
      OperationUse[],
    ];
    await page
      .getByText(/^Search/)
      .first()
      .click();
    await page.getByPlaceholder('Search docs...').fill(use!.fields.find((f) => f.startsWith('response.body.'))!);
    const summary = expectedOperations().find((o) => o.operationId === operationId)!.summary;
    await page.locator('[data-component-name="Search/SearchItem"]').filter({ hasText: summary }).first().waitFor({ timeout: 10_000 });
  });

  it('scrolls a deep link to its operation', async () => {
    await open('#tag/Payouts/operation/processPayout');
    const target = heading('Process Payout');
    await settledOn(target); // in the upper half of the screen, and staying there
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0); // the page moved to it
    expect(oneLine(await operationSection('Process Payout').innerText())).toContain('PUT /v1/lms/payouts/{id}/mark_processed/');
  });

  it('writes screenshots for people to look at', async () => {
    const shots = [
      { file: join(DEFAULT_OUT_DIR, 'screenshot.png'), hash: '', title: 'Lifecycle of a payout' },
      { file: join(DEFAULT_OUT_DIR, 'screenshot-operation.png'), hash: '#tag/Payouts/operation/processPayout', title: 'Process Payout' },
    ];
    for (const { file, hash, title } of shots) {
      await open(hash);
      await settledOn(heading(title));
      await page.screenshot({ path: file });
      expect((await stat(file)).size).toBeGreaterThan(50_000); // a blank page is a few kB
    }
  });

  it('makes no request outside loopback, and raises no error', async () => {
    // Load, search, open an operation and switch its sample; then check every request this file's
    // tests made, which covers everything they clicked through when the whole file runs.
    await open();
    await page
      .getByText(/^Search/)
      .first()
      .click();
    await page.getByPlaceholder('Search docs...').fill('retry');
    await page.locator('[data-component-name="Search/SearchItem"]').filter({ hasText: '/v1/lms/payouts/{id}/retry/' }).click();
    await operationSection('Retry Failed Payout').waitFor();
    const exportOperation = expectedOperations().find((operation) => operation.operationId === 'exportPayoutsForBank')!;
    await openFromMenu(exportOperation);
    await requestSample(exportOperation, 'TypeScript');
    await page.waitForLoadState('networkidle');

    expect(requests.length).toBeGreaterThan(0);
    const outside = requests.filter((url) => {
      const { protocol, hostname } = new URL(url);
      if (protocol === 'data:' || protocol === 'blob:' || url === 'about:blank') return false;
      return !['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
    });
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
  });
});
