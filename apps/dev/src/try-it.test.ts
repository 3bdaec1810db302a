// The docs page's Try-it panel as pnpm dev serves it, in a real headless Chromium: its requests go
// to pnpm dev's sandbox (on SQLite, demo tenant), to a provider that breaks the contract, and
// nowhere before Send; what a person reads is what is asserted.
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '@payouts/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Servers, startServers } from './serving.js';

// For people to look at (packages/docs/README.md shows a copy of each).
const SCREENSHOTS = fileURLToPath(new URL('../dist/', import.meta.url));
const PAYOUTS = '/v1/lms/payouts/';
const DEBIT_BANK = 'f808a4b5-d281-4988-8261-8c7ac0a8abbc'; // the demo tenant's, as in the export example
// The simulated bank never answers an amount ending in 04: the payout waits for the panel's callback.
const UNANSWERED_BY_THE_BANK = 64_004;

let servers: Servers;
let sandboxUrl: string;
let token: string;
let breaking: Server;
let breakingUrl: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const sent: string[] = [];

/** A provider that answers as the sandbox does, except that `amount` comes back as a string. */
function startBreakingProvider(upstream: string): Promise<Server> {
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name)),
    ) as Record<string, string>;
    const answer = await fetch(`${upstream}${request.url}`, {
      method: request.method,
      headers,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    let body = await answer.text();
    if ((answer.headers.get('content-type') ?? '').includes('json') && body) {
      const parsed = JSON.parse(body);
      if (typeof parsed.amount === 'number') parsed.amount = String(parsed.amount);
      body = JSON.stringify(parsed);
    }
    const passed = [...answer.headers].filter(([name]) => !['content-length', 'content-encoding', 'transfer-encoding'].includes(name));
    response.writeHead(answer.status, Object.fromEntries(passed));
    response.end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const answer = await fetch(`${sandboxUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/csv' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!answer.ok) throw new Error(`${method} ${path} answered ${answer.status}: ${await answer.text()}`);
  return (answer.headers.get('content-type') ?? '').includes('json') ? ((await answer.json()) as T) : (undefined as T);
}

const panel = () => page.locator('#payouts-try-it');

/** Opens the operation's page and its panel, as a reader would: the route, then "Try it". */
async function openPanel(operationId: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`${servers.docs!.url}#/payouts/${operationId.toLowerCase()}`);
  await page.getByRole('button', { name: /^Try it: / }).click();
  await panel().getByRole('button', { name: 'Send' }).waitFor();
}

/** Chooses the server (a typed URL when it is not offered), allowing it when the page may not send there yet. */
async function chooseServer(url: string): Promise<void> {
  const select = panel().getByLabel('Server');
  const offered = await select
    .locator('option')
    .evaluateAll((options, wanted) => options.some((o) => (o as HTMLOptionElement).value === wanted), url);
  if (offered) await select.selectOption(url);
  else {
    await select.selectOption('other');
    await panel().locator('input[name="server-url"]').fill(url);
  }
  const allow = panel().getByRole('button', { name: /^Allow requests to / });
  if (await allow.isVisible()) {
    await allow.click(); // the page reloads and reopens the panel on the chosen server
    await panel()
      .getByText(`This page may send to ${new URL(url).origin}`)
      .waitFor();
  }
}

async function send(): Promise<string> {
  await panel().getByRole('button', { name: 'Send' }).click();
  await panel().locator('.payouts-try-it-verdict').waitFor();
  return panel().locator('.payouts-try-it-result').innerText();
}

beforeAll(async () => {
  servers = await startServers({ host: '127.0.0.1', serve: ['docs', 'mock', 'sandbox'] });
  sandboxUrl = servers.sandbox!.url.replace(/\/$/, '');
  token = servers.sandbox!.tokens[0]!;
  breaking = await startBreakingProvider(sandboxUrl);
  const address = breaking.address();
  breakingUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  context.on('request', (request) => {
    if (!request.url().startsWith(servers.docs!.url) && /^https?:/.test(request.url())) sent.push(`${request.method()} ${request.url()}`);
  });
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => breaking?.close(resolve));
  await servers?.stop();
});

// A real browser on a busy 2-core machine: seconds per test, not the default five.
describe("the docs page's Try-it panel, on pnpm dev's servers", { timeout: 60_000 }, () => {
  it('sends Create Payout to the sandbox only on Send, under a policy that allows that server alone, and says it matches the contract', async () => {
    await openPanel('createPayout');
    const servers_ = await panel().getByLabel('Server').locator('option').allInnerTexts();
    expect(servers_).toEqual([
      'preprod: https://preprod.api.crego.io',
      `the mock (pnpm dev): ${servers.mock!.url}`,
      `the sandbox (pnpm dev): ${servers.sandbox!.url}`,
      'Another server…',
    ]);
    await chooseServer(sandboxUrl);
    const policies = await page
      .locator('meta[http-equiv="Content-Security-Policy"]')
      .evaluateAll((metas) => metas.map((meta) => (meta as HTMLMetaElement).content));
    expect(policies.at(-1)).toBe(`connect-src blob: data: 'self' ${new URL(sandboxUrl).origin}`);
    await panel().getByLabel('Bearer token').fill(token);
    expect(await panel().getByLabel('Idempotency-Key (header)').inputValue()).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => panel().locator('.payouts-try-it-findings').first().innerText()).toBe('The request matches the contract.');
    await page.screenshot({ path: join(SCREENSHOTS, 'try-it-before-send.png') });
    expect(sent).toEqual([]); // nothing left the page before Send

    const answer = await send();
    expect(answer).toMatch(/^Answer\n+201 Created · \d+ ms/);
    expect(answer).toContain('✓ The answer matches the contract (documented 201).');
    expect(answer).toContain('"status": "pending"');
    expect(sent).toEqual([`POST ${sandboxUrl}${PAYOUTS}`]);
    await page.screenshot({ path: join(SCREENSHOTS, 'try-it-after-send.png') });
    // The token was typed without "remember": it is in no storage and not in the URL.
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    expect(stored).not.toContain(token);
    expect(page.url()).not.toContain(token);
  });

  it('shows the schema errors of the body while it is typed, naming the field', async () => {
    const body = panel().getByLabel('Request body');
    const text = await body.inputValue();
    await body.fill(text.replace('"amount": 120000', '"amount": "120000"'));
    await expect
      .poll(() => panel().locator('.payouts-try-it-findings').first().innerText())
      .toBe('request body field amount: must be integer');
    await body.fill('{"amount": ');
    await expect.poll(() => panel().locator('.payouts-try-it-findings').first().innerText()).toMatch(/^The body is not JSON: /);
  });

  it('names the field a provider that breaks the contract gets wrong', async () => {
    await openPanel('createPayout');
    await chooseServer(breakingUrl);
    await panel().getByLabel('Bearer token').fill(token);
    const answer = await send();
    expect(answer).toMatch(/201 Created/);
    expect(answer).toContain('✗ The answer breaks the contract (1):');
    expect(answer).toContain('answer body field amount: must be integer');
  });

  it("sends to pnpm dev's mock too, which answers the page's origin", async () => {
    await openPanel('listPayouts');
    await chooseServer(servers.mock!.url);
    await panel().getByLabel('Bearer token').fill('any-token-the-mock-accepts');
    const answer = await send();
    expect(answer).toMatch(/^Answer\n+200 OK/);
    expect(answer).toContain('✓ The answer matches the contract (documented 200).');
  });

  it('sends without a token when none is typed, and says why the answer is 401', async () => {
    await openPanel('listPayouts');
    await chooseServer(sandboxUrl);
    const answer = await send();
    expect(answer).toMatch(/^Answer\n+401 Unauthorized/);
    expect(answer).toContain('Sent without a bearer token, so the server refused it (401)');
    expect(answer).toContain('✓ The answer matches the contract (documented 401).');
  });

  it('settles a payout with a callback signed in the page, and remembers the secret only when asked', async () => {
    const payout = await api<{ id: string }>('POST', PAYOUTS, {
      loan: '0f1e2d3c-4b5a-4697-8877-665544332211',
      account: '5e4d3c2b-1a09-4f8e-8d7c-6b5a49382716',
      type: 'disbursement',
      amount: UNANSWERED_BY_THE_BANK,
      method: 'neft',
      payout_to: 'borrower',
      credit_bank_id: '9d3b7a1e-2f4c-4b8a-9e6d-5c0f1a2b3c4d',
    });
    await api('PUT', `${PAYOUTS}export/`, { debit_bank_id: DEBIT_BANK, payout_ids: [payout.id] });
    const listed = await api<{ results: { id: string; status: string; payout_service_id: string }[] }>(
      'GET',
      `${PAYOUTS}?status=initiated&page_size=100`,
    );
    const exported = listed.results.find((each) => each.id === payout.id)!;

    await openPanel('receivePayoutCallback');
    await chooseServer(sandboxUrl);
    await panel().getByLabel('Callback secret').fill(servers.sandbox!.callbackSecrets[0]!);
    await panel().getByLabel('Remember on this browser').check();
    const body = panel().getByLabel('Request body');
    await body.fill(JSON.stringify({ payout_service_id: exported.payout_service_id, status: 'processed', utr: '640040640040' }));
    const answer = await send();
    expect(answer).toMatch(/200 OK/);
    expect(answer).toContain('✓ The answer matches the contract (documented 200).');
    const after = await api<{ results: { id: string; status: string; utr: string }[] }>('GET', `${PAYOUTS}?status=processed&page_size=100`);
    expect(after.results.find((each) => each.id === payout.id)).toMatchObject({ status: 'processed', utr: '640040640040' });
    // Ticked: kept on this browser, and offered again on the next visit.
    expect(await page.evaluate(() => localStorage.getItem('payouts-try-it-remembered'))).toContain(servers.sandbox!.callbackSecrets[0]!);
    await openPanel('receivePayoutCallback');
    expect(await panel().getByLabel('Callback secret').inputValue()).toBe(servers.sandbox!.callbackSecrets[0]);
    await panel().getByLabel('Remember on this browser').uncheck();
    expect(await page.evaluate(() => localStorage.getItem('payouts-try-it-remembered'))).toBeNull();
  });

  it('copies the same request as curl, the callback signed with openssl, no secret in it', async () => {
    await openPanel('receivePayoutCallback');
    await panel().getByLabel('Callback secret').fill('typed-secret');
    await panel().getByRole('button', { name: 'Copy as curl' }).click();
    const curl = await panel().locator('.payouts-try-it-curl').innerText();
    expect(curl).toContain(`curl -X POST '${sandboxUrl}${PAYOUTS}callback/'`);
    expect(curl).toContain('openssl dgst -sha256 -hmac "$PAYOUTS_CALLBACK_SECRET"');
    expect(curl).toMatch(/-H 'Idempotency-Key: [0-9a-f-]{36}'/);
    expect(curl).not.toContain('typed-secret');
  });
});
