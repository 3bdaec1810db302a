import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childProcesses, descendantsOf, isAlive, listeningPorts, PortInUseError, waitFor } from '@payouts/process';
import { bundlePath } from '@payouts/spec';
import { describe, expect, it } from 'vitest';
import { startMock } from './index.js';

const prismChildren = () => childProcesses(process.pid, 'prism-cli');

describe('reload()', () => {
  it('serves the saved spec on the same port; every request meanwhile gets an answer, none is refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'payouts-mock-reload-'));
    const file = join(dir, 'openapi.json');
    const original = await readFile(bundlePath('json'), 'utf8');
    await writeFile(file, original);
    const mock = await startMock({ spec: file });
    try {
      const list = () => fetch(`${mock.url}/v1/lms/payouts/`, { headers: { authorization: 'Bearer t' } });
      const [oldPrism] = prismChildren();
      await writeFile(file, original.replaceAll('"count": 2', '"count": 4242'));
      const statuses: number[] = [];
      let reloaded = false;
      const reload = mock.reload().then(() => {
        reloaded = true;
      });
      while (!reloaded) {
        const answer = await list(); // a refused connection would reject here
        statuses.push(answer.status);
        await answer.arrayBuffer();
      }
      await reload;
      expect(statuses.length).toBeGreaterThan(5);
      expect(new Set(statuses)).toEqual(new Set([200]));
      expect(((await (await list()).json()) as { count: number }).count).toBe(4242);
      expect(isAlive(oldPrism!)).toBe(false);
      expect(prismChildren()).toHaveLength(1);
    } finally {
      await mock.stop();
      await rm(dir, { recursive: true, force: true });
    }
    expect(prismChildren()).toEqual([]);
  });
});

describe('startMock and stop()', () => {
  it('resolves once the mock answers, and stop() leaves no process and no open port', async () => {
    const mock = await startMock({ port: 0 });
    expect(mock.url).toBe(`http://127.0.0.1:${mock.port}`);
    const answer = await fetch(`${mock.url}/v1/lms/payouts/`, { headers: { authorization: 'Bearer t' } });
    expect(answer.status).toBe(200);
    await answer.arrayBuffer();

    const [prismPid, ...others] = prismChildren();
    expect(others).toEqual([]);
    const prismPorts = listeningPorts(prismPid!);
    expect(prismPorts).toHaveLength(1);

    await mock.stop();
    expect(isAlive(prismPid!)).toBe(false);
    expect(prismChildren()).toEqual([]);
    // Nothing of the mock listens any more: not this process on the mock's port, not Prism (the
    // ports themselves may be handed to another test file's mock at once).
    expect(listeningPorts(process.pid)).not.toContain(mock.port);
    expect(listeningPorts(prismPid!)).toEqual([]);
    await expect(mock.stop()).resolves.toBeUndefined();
  });

  it('gives each of two mocks started at once its own free port', async () => {
    const mocks = await Promise.all([startMock({ port: 0 }), startMock({ port: 0 })]);
    try {
      expect(mocks[0].port).not.toBe(mocks[1].port);
      for (const mock of mocks) expect((await fetch(`${mock.url}/v1/lms/payouts/`)).status).toBe(401);
    } finally {
      await Promise.all(mocks.map((mock) => mock.stop()));
    }
    expect(prismChildren()).toEqual([]);
  });

  it('rejects a port in use with an error naming the port, starting nothing', async () => {
    const taken: Server = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const port = (taken.address() as { port: number }).port;
    try {
      const start = startMock({ port });
      await expect(start).rejects.toThrow(PortInUseError);
      await expect(start).rejects.toThrow(`port ${port} is in use`);
    } finally {
      taken.close();
    }
    expect(prismChildren()).toEqual([]);
  });

  it('rejects a spec it cannot read with an error naming the file', async () => {
    await expect(startMock({ port: 0, spec: '/nonexistent/openapi.yaml' })).rejects.toThrow(
      'cannot read the spec /nonexistent/openapi.yaml',
    );
  });

  it('ends Prism when the process that started it is killed before calling stop()', async () => {
    // A caller's test process dying abruptly: the built package, in a process of its own.
    const script = `
      import { startMock } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      const mock = await startMock({ port: 0 });
      console.log(mock.port);`;
    const caller = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(caller.stdout!, 'data')) as [Buffer];
    const port = Number(line.toString().trim());
    const [prismPid] = childProcesses(caller.pid!, 'prism-cli');
    expect(prismPid).toBeDefined();

    // Its copy of the spec for Prism is left behind, and the next mock to start removes it.
    const leftovers = () => readdirSync(tmpdir()).filter((name) => name.startsWith(`payouts-mock-${caller.pid}-`));
    expect(leftovers()).toHaveLength(1);

    caller.kill('SIGKILL');
    expect(await waitFor(() => !isAlive(prismPid!))).toBe(true);
    // Nothing this test started listens any more (whether the port is free also depends on the
    // other test files' mocks, which may be handed the same port next).
    const ours = () => [caller.pid!, prismPid!, ...descendantsOf(process.pid)].filter(isAlive).flatMap(listeningPorts);
    expect(ours()).not.toContain(port);
    expect(leftovers()).toHaveLength(1);
    const next = await startMock();
    await next.stop();
    expect(leftovers()).toEqual([]);
  });

  it('keeps the first violations it sees and counts the rest, so a long run stays bounded', async () => {
    const mock = await startMock({ keepViolations: 3 });
    try {
      for (let i = 0; i < 5; i++) await fetch(`${mock.url}/v1/lms/payouts/?page=0`, { headers: { authorization: 'Bearer t' } });
      expect(mock.violations()).toHaveLength(3);
      const error = (() => {
        try {
          mock.expectNoViolations();
        } catch (thrown) {
          return thrown as Error;
        }
      })();
      expect(error?.message).toMatch(/^the mock saw 5 contract violations:\n/);
      expect(error?.message).toMatch(/\n {2}\.\.\. and 2 more, not kept$/);
      expect(mock.violations()).toEqual([]);
    } finally {
      await mock.stop();
    }
  });
});
