// Drives `pnpm dev` for real on a copy of the workspace: add an operation to the spec, break it,
// fix it, and check the types, the docs and the mock follow each save, then that Ctrl-C leaves
// nothing running.
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { descendantsOf, describeProcess, isAlive, killGroup, type StartedProcess, startProcess, waitFor } from '@payouts/process';
import { bundlePath, releasePath, releases } from '@payouts/spec';
import { copyWorkspace } from '@payouts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'Bearer dev-test';
const PAYOUT_ID = 'bb572e48-1d50-4a53-b5ae-37b23855f84f';
const NEW_PATH_FILE = 'spec/openapi/paths/payouts_{id}_snapshot.yaml';

// A new operation, written as a spec owner would: it passes every lint rule of the spec. Made up
// for this test, so that no operation the spec really gains collides with it.
const GET_PAYOUT = `parameters:
  - $ref: ../components/parameters/PayoutId.yaml
get:
  operationId: getPayoutSnapshot
  tags: [Payouts]
  summary: Get Payout Snapshot
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
let dev: StartedProcess;
let urls: { docs: string; mock: string; sandbox: string };

/**
 * Resolves with the output once `pattern` appears in it after `from`; fails with the output after
 * `ms` (generous: CI runs other packages' tests beside this one, and the first save may wait for
 * the clients' type-check to warm up).
 */
async function outputMatching(pattern: RegExp, from: number, ms = 90_000): Promise<string> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const match = pattern.exec(dev.output().slice(from));
    if (match) return dev.output().slice(from);
    if (dev.child.exitCode !== null) throw new Error(`pnpm dev exited (${dev.child.exitCode}):\n${dev.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${pattern} in pnpm dev's output within ${ms} ms:\n${dev.output().slice(from)}`);
}

async function save(file: string, text: string): Promise<number> {
  const from = dev.output().length;
  await writeFile(join(workspace.dir, file), text);
  return from;
}

// The page is 2.5 MB: assert on it without printing it all when it fails.
async function docsPage(): Promise<{ has(text: string): boolean }> {
  const page = await (await fetch(urls.docs)).text();
  return { has: (text) => page.includes(text) };
}

const getNewOperation = () => fetch(`${urls.mock}/v1/lms/payouts/${PAYOUT_ID}/snapshot/`, { headers: { authorization: TOKEN } });

beforeAll(async () => {
  workspace = await copyWorkspace(root);
  // main may carry contract changes not released yet: in the copy the last release is the contract
  // as it is, so that what a save changes against it is the save alone.
  const last = releases().at(-1)!;
  await copyFile(bundlePath('json'), join(workspace.dir, relative(root, releasePath(last))));
  dev = await startProcess('pnpm', ['dev', '--mock-port', '0', '--docs-port', '0', '--sandbox-port', '0'], /watching spec\//, {
    cwd: workspace.dir,
    // A process group of its own, as in a terminal: Ctrl-C reaches the whole group.
    detached: true,
    // The copy's build reuses this workspace's turbo cache: the same sources are cache hits.
    env: { TURBO_CACHE_DIR: join(root, '.turbo', 'cache') },
    timeoutMs: 120_000,
  });
  const started = dev.output();
  const url = (name: string) => new RegExp(`${name}\\s+(http://\\S+)`).exec(started)![1]!.replace(/\/$/, '');
  urls = { docs: url('docs'), mock: url('mock'), sandbox: url('sandbox') };
});

afterAll(async () => {
  if (dev?.child.exitCode === null) killGroup(dev.child, 'SIGKILL');
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
      spec.replace('paths:\n', 'paths:\n  /v1/lms/payouts/{id}/snapshot/:\n    $ref: paths/payouts_{id}_snapshot.yaml\n'),
    );
    await outputMatching(/✓ client and react rebuilt against the new types/, from);
    await outputMatching(/✓ spec, types, clients and docs rebuilt/, from);
    await outputMatching(/✓ mock reloaded with the new spec/, from);
    // What the save means for the teams that call the API, against the last release.
    await outputMatching(/this save vs v\d+\.\d+\.\d+: 1 minor \(providers\): .*\/v1\/lms\/payouts\/\{id\}\/.* was added/, from);
    await outputMatching(/breaks none of the \d+ registered consumers?\n/, from);

    expect(await readFile(join(workspace.dir, 'packages/types/dist/openapi.d.ts'), 'utf8')).toContain('getPayoutSnapshot: {');
    // The callers' packages were built against this spec (their shortcut and hook come from the operation table).
    expect(await readFile(join(workspace.dir, 'packages/client/src/generated/operations.ts'), 'utf8')).toContain('getPayoutSnapshot: {');
    expect(await readFile(join(workspace.dir, 'packages/client/dist/generated/openapi.d.ts'), 'utf8')).toContain('getPayoutSnapshot: {');
    expect(await readFile(join(workspace.dir, 'packages/client/dist/generated/operations.js'), 'utf8')).toContain('getPayoutSnapshot: {');
    expect((await docsPage()).has('"operationId":"getPayoutSnapshot"'), 'docs show getPayoutSnapshot').toBe(true);
    const answer = await getNewOperation();
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ id: PAYOUT_ID, status: 'processed' });
  });

  it('reports a broken save with the file and line, and keeps serving the last good build', async () => {
    const from = await save(NEW_PATH_FILE, GET_PAYOUT.replace('schemas/Payout.yaml', 'schemas/Payuot.yaml'));
    const report = await outputMatching(/✗ build failed/, from);
    expect(report).not.toContain('mock reloaded');
    expect(report).toMatch(/openapi\/paths\/payouts_\{id\}_snapshot\.yaml:\d+:\d+/);
    expect(report).toContain('Payuot.yaml');

    expect((await getNewOperation()).status).toBe(200);
    expect((await docsPage()).has('"operationId":"getPayoutSnapshot"'), 'docs still show getPayoutSnapshot').toBe(true);
  });

  it('recovers on the next good save without a restart', async () => {
    const from = await save(NEW_PATH_FILE, GET_PAYOUT.replace('Returns one payout.', 'Returns one payout by id.'));
    await outputMatching(/✓ spec, types, clients and docs rebuilt/, from);
    await outputMatching(/✓ mock reloaded with the new spec/, from);
    expect((await docsPage()).has('Returns one payout by id.'), 'docs show the fixed description').toBe(true);
    expect((await getNewOperation()).status).toBe(200);
  });

  it('names the registered consumer a save breaks, and why', async () => {
    // The client's recorded contract (spec/contracts/) expects createPayout to answer 415 to a body that is not JSON.
    const file = 'spec/openapi/paths/payouts.yaml';
    const text = await readFile(join(workspace.dir, file), 'utf8');
    const from = await save(file, text.replace(/\n {4}"415":\n {6}\$ref: [^\n]+/, ''));
    const output = await outputMatching(/breaks payouts-client: /, from);
    expect(output).toMatch(
      /breaks payouts-client: createPayout does not document status 415 .*\("createPayout answers 415", response\.status\)/,
    );
  });

  it('stops everything on Ctrl-C, leaving no process and no open port', async () => {
    const children = descendantsOf(dev.child.pid!);
    expect(children.length).toBeGreaterThan(0); // Prism, at least
    killGroup(dev.child, 'SIGINT'); // Ctrl-C
    await dev.exited;
    // pnpm 12's own watchdog (a shell that kills its scripts' process groups) ends when it reads
    // pnpm's exit, a moment after it: give what is ending a second, then name whatever is left.
    await waitFor(() => !children.some(isAlive), 1000);
    const survivors = children.filter(isAlive).map(describeProcess);
    expect(survivors).toEqual([]);
    for (const url of Object.values(urls)) await expect(fetch(url)).rejects.toThrow();
  });
});
