// The docs server over real loopback HTTP. That a spec save rebuilds the page, and that a broken
// save keeps the last good page served, is the dev loop's job: see e2e/src/dev.test.ts.
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DocsServer, serveDocs } from './serve.js';

describe('serveDocs', () => {
  let workDir: string;
  let pageFile: string;
  let docs: DocsServer;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'payouts-docs-serve-'));
    pageFile = join(workDir, 'index.html');
    await writeFile(pageFile, '<title>first</title>');
    docs = await serveDocs({ pageFile });
  });

  afterAll(async () => {
    await docs?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('answers the page on loopback, and nothing else', async () => {
    expect(docs.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const response = await fetch(docs.url);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe('<title>first</title>');

    const missing = await fetch(new URL('/openapi.yaml', docs.url));
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Not found: /openapi.yaml. The docs page is at /.');
    const posted = await fetch(docs.url, { method: 'POST' });
    expect(posted.status).toBe(405);
    expect(posted.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers the page as it is on disk now: a rebuilt page shows on the next request', async () => {
    await writeFile(pageFile, '<title>second</title>');
    expect(await (await fetch(docs.url)).text()).toBe('<title>second</title>');
  });

  it('offers the Try-it panel the servers it was given, and those offered later, on the page as it answers it', async () => {
    const config = '<script type="application/json" id="payouts-try-it-config">{"servers":[],"live":false}</script>';
    const page = join(workDir, 'try-it.html');
    await writeFile(page, `<head>${config}</head>`);
    const sandbox = { url: 'http://127.0.0.1:4030', description: 'the sandbox (pnpm dev)' };
    const offering = await serveDocs({ pageFile: page, servers: [sandbox] });
    try {
      expect(await (await fetch(offering.url)).text()).toContain(`{"servers":[${JSON.stringify(sandbox)}],"live":false}`);
      const mock = { url: 'http://127.0.0.1:4010', description: 'the mock (pnpm dev)' };
      offering.offer([mock, sandbox]);
      expect(await (await fetch(offering.url)).text()).toContain(
        `{"servers":[${JSON.stringify(mock)},${JSON.stringify(sandbox)}],"live":false}`,
      );
    } finally {
      await offering.close();
    }
  });

  it('says the page is not built yet rather than failing', async () => {
    const empty = await serveDocs({ pageFile: join(workDir, 'nothing.html') });
    try {
      const response = await fetch(empty.url);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('The docs page is not built yet');
    } finally {
      await empty.close();
    }
  });

  it('says which port is taken, and the flag that changes it', async () => {
    const blocker: Server = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as { port: number };
    try {
      await expect(serveDocs({ port, pageFile, portFlag: '--docs-port' })).rejects.toThrow(
        `port ${port} is in use on 127.0.0.1: pass another with --docs-port (0 picks a free one)`,
      );
    } finally {
      blocker.close();
    }
  });
});
