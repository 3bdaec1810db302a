import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  descendantsOf,
  exitOf,
  findFreePort,
  httpUrl,
  isAlive,
  isUsageError,
  listen,
  listeningPorts,
  PortInUseError,
  parsePort,
  run,
  runNode,
  runRedocly,
  scriptArgs,
  startProcess,
  UsageError,
  waitFor,
} from './index.js';

describe('run', () => {
  it('collects stdout, stderr and both in order, with the exit code', async () => {
    const result = await runNode(['-e', 'console.log("out"); console.error("err"); process.exit(3)']);
    expect(result).toMatchObject({ ok: false, code: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false });
    expect(result.output).toBe('out\nerr\n');
  });

  it('passes env and cwd', async () => {
    const result = await runNode(['-e', 'console.log(process.env.GREETING, process.cwd())'], { env: { GREETING: 'hi' }, cwd: '/tmp' });
    expect(result.stdout.trim()).toBe('hi /tmp');
  });

  it('kills what runs past its timeout, children included, and says so', async () => {
    const started = Date.now();
    const result = await runNode(
      ['-e', 'require("child_process").spawn("sleep", ["30"], {stdio: "inherit"}); setTimeout(() => {}, 30000)'],
      {
        timeoutMs: 300,
      },
    );
    expect(result).toMatchObject({ ok: false, timedOut: true, signal: 'SIGKILL' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('rejects, naming the command, when it cannot start', async () => {
    await expect(run('/no/such/binary', [])).rejects.toThrow('cannot run /no/such/binary');
  });
});

describe('runRedocly', () => {
  it('runs the pinned Redocly without its Node 20 notice', async () => {
    const result = await runRedocly(['--version']);
    expect(result.ok).toBe(true);
    expect(result.output).toMatch(/^2\.77\.0$/);
  });
});

describe('listen', () => {
  it('binds port 0 to a free port and says which', async () => {
    const server = createServer();
    const address = await listen(server, { port: 0, host: '127.0.0.1' });
    expect(address.port).toBeGreaterThan(0);
    expect(listeningPorts(process.pid)).toContain(address.port);
    await new Promise((resolve) => server.close(resolve));
    expect(listeningPorts(process.pid)).not.toContain(address.port);
  });

  it('names the flag to use when the port is taken', async () => {
    const port = await findFreePort();
    const first = createServer();
    await listen(first, { port, host: '127.0.0.1' });
    const error = await listen(createServer(), { port, host: '127.0.0.1', flag: '--mock-port' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as Error).message).toBe(`port ${port} is in use on 127.0.0.1: pass another with --mock-port (0 picks a free one)`);
    await new Promise((resolve) => first.close(resolve));
  });

  it('says when the host is not this machine', async () => {
    await expect(listen(createServer(), { port: 0, host: '203.0.113.7' })).rejects.toThrow('203.0.113.7 is not an address of this machine');
  });

  it('builds URLs a client can connect to', () => {
    expect(httpUrl('0.0.0.0', 80)).toBe('http://127.0.0.1:80');
    expect(httpUrl('::', 81)).toBe('http://[::1]:81');
  });
});

describe('parsePort', () => {
  it('takes decimal digits from 0 to 65535 only', () => {
    expect(parsePort('0')).toBe(0);
    expect(parsePort('4010')).toBe(4010);
    for (const bad of ['', '-1', '65536', '0x10', '1e3', '40 10', 'abc']) {
      expect(() => parsePort(bad, '--docs-port')).toThrow(`--docs-port must be a whole number from 0 to 65535, got "${bad}"`);
    }
    expect(isUsageError(new UsageError('x'))).toBe(true);
    expect(isUsageError(Object.assign(new Error('x'), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' }))).toBe(true);
    expect(isUsageError(new Error('x'))).toBe(false);
  });
});

describe('scriptArgs', () => {
  it('drops the `--` that pnpm passes on, and only that one', () => {
    expect(scriptArgs(['node', 'bench.mjs', '--', '--runs', '5'])).toEqual(['--runs', '5']);
    expect(scriptArgs(['node', 'bench.mjs', '--runs', '5'])).toEqual(['--runs', '5']);
    expect(scriptArgs(['node', 'bench.mjs', '--runs', '5', '--', 'x'])).toEqual(['--runs', '5', '--', 'x']);
  });
});

describe('process tree', () => {
  it('finds descendants and tells live from dead', async () => {
    const parent = spawn(process.execPath, [
      '-e',
      'require("child_process").spawn("sleep", ["30"], {stdio: "ignore"}); setTimeout(() => {}, 30000)',
    ]);
    expect(await waitFor(() => descendantsOf(parent.pid!).length === 1)).toBe(true);
    const [sleeper] = descendantsOf(parent.pid!);
    expect(isAlive(sleeper!)).toBe(true);
    process.kill(sleeper!, 'SIGKILL');
    expect(await waitFor(() => !isAlive(sleeper!))).toBe(true);
    parent.kill('SIGKILL');
    await exitOf(parent);
    expect(isAlive(parent.pid!)).toBe(false);
  });
});

describe('startProcess', () => {
  it('resolves with what `ready` found once it is printed, and stops the program', async () => {
    const started = await startProcess(
      process.execPath,
      ['-e', 'setTimeout(() => console.log("listening on http://x:1"), 50); setInterval(() => {}, 1000)'],
      /listening on (\S+)/,
    );
    expect(started.found).toBe('http://x:1');
    expect(started.output()).toContain('listening on');
    expect(await started.stop()).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('rejects with the output when the program exits before it is ready', async () => {
    await expect(startProcess(process.execPath, ['-e', 'console.error("no config"); process.exit(4)'], /ready/)).rejects.toThrow(
      /exited \(4\) before it was ready:\nno config/,
    );
  });

  it('rejects when the program is not ready in time', async () => {
    await expect(startProcess(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], /ready/, { timeoutMs: 200 })).rejects.toThrow(
      'was not ready within 200 ms',
    );
  });
});

describe('run with an abort signal', () => {
  it('ends the program and what it started when aborted', async () => {
    const controller = new AbortController();
    const running = runNode(['-e', 'require("child_process").spawn("sleep", ["30"], {stdio: "inherit"}); setTimeout(() => {}, 30000)'], {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 200);
    expect(await running).toMatchObject({ ok: false, signal: 'SIGTERM', timedOut: false });
  });
});
