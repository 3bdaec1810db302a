// Drives `pnpm dev` for real on a copy of the workspace: add an operation to the spec, break it,
// fix it, and check the types, the docs and the mock follow each save, then that Ctrl-C leaves
// nothing running.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyWorkspace, descendantsOf, describeProcess, isAlive } from '@payouts/process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'Bearer dev-test';
const PAYOUT_ID = 'bb572e48-1d50-4a53-b5ae-37b23855f84f';
const NEW_PATH_FILE = 'spec/openapi/paths/payouts_{id}.yaml';

// A new operation, written as a spec owner would: it passes every lint rule of the spec.
const GET_PAYOUT = `parameters:
  - $ref: ../components/parameters/PayoutId.yaml
get:
  operationId: getPayout
  tags: [Payouts]
  summary: Get Payout
  description: Returns one payout. Decided here, for this test of the dev loop.
  responses:
    '200':
      description: The payout.
      content:
        application/json:
          schema:
            $ref: ../components/schemas/Payout.yaml
          examples:
            processed:
              $ref: ../components/examples/ProcessedPayout.yaml
    '401':
      $ref: ../components/responses/Unauthorized.yaml
    '404':
      $ref: ../components/responses/NotFound.yaml
`;

let workspace: Awaited<ReturnType<typeof copyWorkspace>>;
let dev: ChildProcess;
let output = '';
let urls: { docs: string; mock: string; sandbox: string };

/** Resolves with the output once `pattern` appears in it after `from`; fails with the output after `ms`. */
async function outputMatching(pattern: RegExp, from: number, ms = 40_000): Promise<string> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const match = pattern.exec(output.slice(from));
    if (match) return output.slice(from);
    if (dev.exitCode !== null) throw new Error(`pnpm dev exited (${dev.exitCode}):\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${pattern} in pnpm dev's output within ${ms} ms:\n${output.slice(from)}`);
}

async function save(file: string, text: string): Promise<number> {
  const from = output.length;
  await writeFile(join(workspace.dir, file), text);
  return from;
}

// The page is 2.5 MB: assert on it without printing it all when it fails.
async function docsPage(): Promise<{ has(text: string): boolean }> {
  const page = await (await fetch(urls.docs)).text();
  return { has: (text) => page.includes(text) };
}

const getNewOperation = () => fetch(`${urls.mock}/v1/lms/payouts/${PAYOUT_ID}/`, { headers: { authorization: TOKEN } });

beforeAll(async () => {
  workspace = await copyWorkspace(root);
  dev = spawn('pnpm', ['dev', '--mock-port', '0', '--docs-port', '0', '--sandbox-port', '0'], {
    cwd: workspace.dir,
    // A process group of its own, as in a terminal: Ctrl-C reaches the whole group.
    detached: true,
    // The copy's build reuses this workspace's turbo cache: the same sources are cache hits.
    env: { ...process.env, TURBO_CACHE_DIR: join(root, '.turbo', 'cache') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  dev.stdout!.on('data', (chunk) => (output += chunk));
  dev.stderr!.on('data', (chunk) => (output += chunk));
  const started = await outputMatching(/watching spec\//, 0, 120_000);
  const url = (name: string) => new RegExp(`${name}\\s+(http://\\S+)`).exec(started)![1]!.replace(/\/$/, '');
  urls = { docs: url('docs'), mock: url('mock'), sandbox: url('sandbox') };
});

afterAll(async () => {
  if (dev?.exitCode === null) process.kill(-dev.pid!, 'SIGKILL');
  await workspace?.remove();
});

describe('pnpm dev', () => {
  it('serves the docs, the mock and the sandbox on the ports it prints', async () => {
    expect((await docsPage()).has('Crego LMS Payouts API')).toBe(true);
    const list = await fetch(`${urls.mock}/v1/lms/payouts/`, { headers: { authorization: TOKEN } });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { results: unknown }).results).toBeInstanceOf(Array);
    expect((await fetch(`${urls.sandbox}/v1/lms/payouts/`)).status).toBe(401);
    expect((await getNewOperation()).status).toBe(404);
  });

  it('follows a save that adds an operation: types, docs and mock', async () => {
    const rootFile = join(workspace.dir, 'spec/openapi/openapi.yaml');
    const spec = await readFile(rootFile, 'utf8');
    await writeFile(join(workspace.dir, NEW_PATH_FILE), GET_PAYOUT);
    const from = await save(
      'spec/openapi/openapi.yaml',
      spec.replace('paths:\n', 'paths:\n  /v1/lms/payouts/{id}/:\n    $ref: paths/payouts_{id}.yaml\n'),
    );
    await outputMatching(/✓ spec, types, clients and docs rebuilt/, from);
    await outputMatching(/✓ mock reloaded with the new spec/, from);

    expect(await readFile(join(workspace.dir, 'packages/types/dist/openapi.d.ts'), 'utf8')).toContain('getPayout: {');
    expect((await docsPage()).has('"operationId":"getPayout"'), 'docs show getPayout').toBe(true);
    const answer = await getNewOperation();
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ id: PAYOUT_ID, status: 'processed' });
  });

  it('reports a broken save with the file and line, and keeps serving the last good build', async () => {
    const from = await save(NEW_PATH_FILE, GET_PAYOUT.replace('schemas/Payout.yaml', 'schemas/Payuot.yaml'));
    const report = await outputMatching(/✗ build failed/, from);
    expect(report).not.toContain('mock reloaded');
    expect(report).toMatch(/openapi\/paths\/payouts_\{id\}\.yaml:\d+:\d+/);
    expect(report).toContain('Payuot.yaml');

    expect((await getNewOperation()).status).toBe(200);
    expect((await docsPage()).has('"operationId":"getPayout"'), 'docs still show getPayout').toBe(true);
  });

  it('recovers on the next good save without a restart', async () => {
    const from = await save(NEW_PATH_FILE, GET_PAYOUT.replace('Returns one payout.', 'Returns one payout by id.'));
    await outputMatching(/✓ spec, types, clients and docs rebuilt/, from);
    await outputMatching(/✓ mock reloaded with the new spec/, from);
    expect((await docsPage()).has('Returns one payout by id.'), 'docs show the fixed description').toBe(true);
    expect((await getNewOperation()).status).toBe(200);
  });

  it('stops everything on Ctrl-C, leaving no process and no open port', async () => {
    const children = descendantsOf(dev.pid!);
    expect(children.length).toBeGreaterThan(0); // Prism, at least
    const exited = new Promise((resolve) => dev.once('exit', resolve));
    process.kill(-dev.pid!, 'SIGINT'); // Ctrl-C
    await exited;
    const survivors = children.filter(isAlive).map(describeProcess);
    expect(survivors).toEqual([]);
    for (const url of Object.values(urls)) await expect(fetch(url)).rejects.toThrow();
  });
});
