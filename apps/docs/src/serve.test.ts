// The docs server over real loopback HTTP: as `pnpm docs` starts it, and on a temporary copy of
// the spec that the tests edit (never the real one) to see the page rebuilt, or kept when an edit breaks it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PACKAGE_DIR, SPEC_PACKAGE_DIR } from './build.js';
import { serveDocs, type DocsServer } from './serve.js';

/** Polls `check` until it returns a value, or fails after `timeoutMs` saying what it waited for. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 100));
  }
}

describe('pnpm docs', () => {
  it('serves the page on the port it prints, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [join(PACKAGE_DIR, 'dist-server', 'serve.js'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stdout = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      const url = await eventually('the URL on stdout', async () => /Payouts API docs: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1]);
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<title>Crego LMS Payouts API</title>');
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it.each([
    [['--port', 'abc'], '--port must be an integer from 0 to 65535, got "abc"'],
    [['--port', '70000'], '--port must be an integer from 0 to 65535, got "70000"'],
    [['--colour'], "Unknown option '--colour'"],
  ])('refuses %j with a clear message', async (args, message) => {
    const child = spawn(process.execPath, [join(PACKAGE_DIR, 'dist-server', 'serve.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr).toContain(message);
  });
});

describe('serveDocs on a copy of the spec', () => {
  let workDir: string;
  let specDir: string;
  let outDir: string;
  let docs: DocsServer;
  const log: string[] = [];
  let retryPath: string; // the source file of Retry Failed Payout, which the tests edit

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'payouts-docs-serve-'));
    specDir = join(workDir, 'spec');
    outDir = join(workDir, 'out');
    await cp(join(SPEC_PACKAGE_DIR, 'openapi'), join(specDir, 'openapi'), { recursive: true });
    await cp(join(SPEC_PACKAGE_DIR, 'redocly.yaml'), join(specDir, 'redocly.yaml'));
    const root = parse(await readFile(join(specDir, 'openapi', 'openapi.yaml'), 'utf8'));
    retryPath = join(specDir, 'openapi', root.paths['/v1/lms/payouts/{id}/retry/'].$ref);
    // No page yet in outDir: serveDocs builds spec and page before it answers.
    docs = await serveDocs({ port: 0, specDir, outDir, log: (message) => log.push(message) });
  });

  afterAll(async () => {
    await docs?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  async function page(): Promise<string> {
    const response = await fetch(docs.url);
    expect(response.status).toBe(200);
    return response.text();
  }

  it('answers the page on loopback, and nothing else', async () => {
    expect(docs.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(log.join('\n')).toMatch(/docs rebuilt: .*index\.html/);
    const response = await fetch(docs.url);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect((await response.text()).includes('"summary":"Retry Failed Payout"'), 'the operation is in the page').toBe(true);

    const missing = await fetch(new URL('/openapi.yaml', docs.url));
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Not found: /openapi.yaml. The docs page is at /.');
    const posted = await fetch(docs.url, { method: 'POST' });
    expect(posted.status).toBe(405);
    expect(posted.headers.get('allow')).toBe('GET, HEAD');
  });

  it('rebuilds the page when a spec source changes', async () => {
    const source = await readFile(retryPath, 'utf8');
    await writeFile(retryPath, source.replace('summary: Retry Failed Payout', 'summary: Retry a Failed Payout'));
    // The operation's summary in the definition the page renders from.
    const rebuilt = await eventually('the edited summary on the page', async () => {
      const html = await page();
      return html.includes('"summary":"Retry a Failed Payout"') ? html : undefined;
    });
    expect(rebuilt.includes('"summary":"Retry Failed Payout"'), 'the old summary is gone').toBe(false);
  });

  it('keeps serving the last good page when an edit breaks the spec, and says why', async () => {
    const before = await page();
    const source = await readFile(retryPath, 'utf8');
    log.length = 0;
    await writeFile(retryPath, source.replace('operationId: retryFailedPayout', 'operationId: retry-failed-payout'));
    const report = await eventually('the failed build report', async () => log.find((line) => line.startsWith('spec build failed')));
    expect(report).toContain('operationId must be camelCase');
    expect((await page()) === before, 'the last good page is still served').toBe(true);

    await writeFile(retryPath, source.replace('summary: Retry a Failed Payout', 'summary: Retry the Failed Payout'));
    await eventually('the fixed spec on the page', async () => ((await page()).includes('"summary":"Retry the Failed Payout"') ? true : undefined));
  });

  it('says which port is taken instead of crashing', async () => {
    const blocker: Server = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as { port: number };
    try {
      await expect(serveDocs({ port, specDir, outDir, log: () => {} })).rejects.toThrow(
        `cannot serve the docs on 127.0.0.1:${port}: port ${port} is already in use (pass --port <n>, or --port 0 for any free port)`,
      );
    } finally {
      blocker.close();
    }
  });
});
