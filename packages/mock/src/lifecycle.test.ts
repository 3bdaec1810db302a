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

// Prism runs in this process (the mock's one backend): what a mock leaves behind would be a port
// this process still listens on, or a child process.
const ownPorts = () => listeningPorts(process.pid);
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
      const before = ownPorts(); // the mock's and its Prism's
      expect(before).toHaveLength(2);
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
      expect(statuses.length).toBeGreaterThan(0); // requests were made while it reloaded (a tenth of a second in process)
      expect(new Set(statuses)).toEqual(new Set([200]));
      expect(((await (await list()).json()) as { count: number }).count).toBe(4242);
      // The old Prism stopped listening; one new one serves behind the same port.
      const after = ownPorts();
      expect(after).toHaveLength(2);
      expect(after).toContain(mock.port);
      expect(after.filter((port) => !before.includes(port))).toHaveLength(1);
    } finally {
      await mock.stop();
      await rm(dir, { recursive: true, force: true });
    }
    expect(ownPorts()).toEqual([]);
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

    expect(prismChildren()).toEqual([]); // Prism is a library here, not a process
    expect(ownPorts()).toHaveLength(2); // the mock's port and its Prism's

    await mock.stop();
    // Nothing of the mock listens any more: not the mock's port, not Prism's.
    expect(ownPorts()).toEqual([]);
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
    expect(ownPorts()).toEqual([]);
  });

  it('rejects a port in use with an error naming the port, starting nothing', async () => {
    const taken: Server = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const port = (taken.address() as { port: number }).port;
    try {
      const start = startMock({ port });
      await expect(start).rejects.toThrow(PortInUseError);
      await expect(start).rejects.toThrow(`port ${port} is in use`);
      expect(ownPorts()).toEqual([port]); // no Prism was started
    } finally {
      taken.close();
    }
  });

  it('rejects a spec it cannot read with an error naming the file', async () => {
    await expect(startMock({ port: 0, spec: '/nonexistent/openapi.yaml' })).rejects.toThrow(
      'cannot read the spec /nonexistent/openapi.yaml',
    );
  });

  it('leaves nothing listening when the process that started it is killed before calling stop(), and the next mock removes its spec copy', async () => {
    // A caller's test process dying abruptly: the built package, in a process of its own.
    const script = `
      import { startMock } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      const mock = await startMock({ port: 0 });
      console.log(mock.port);`;
    const caller = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(caller.stdout!, 'data')) as [Buffer];
    const port = Number(line.toString().trim());
    expect(listeningPorts(caller.pid!)).toContain(port);
    expect(childProcesses(caller.pid!, 'prism-cli')).toEqual([]);

    // Its copy of the spec for Prism is left behind, and the next mock to start removes it.
    const leftovers = () => readdirSync(tmpdir()).filter((name) => name.startsWith(`payouts-mock-${caller.pid}-`));
    expect(leftovers()).toHaveLength(1);

    caller.kill('SIGKILL');
    expect(await waitFor(() => !isAlive(caller.pid!))).toBe(true);
    // Nothing this test started listens any more (whether the port is free also depends on the
    // other test files' mocks, which may be handed the same port next).
    const ours = () => [caller.pid!, ...descendantsOf(process.pid)].filter(isAlive).flatMap(listeningPorts);
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
