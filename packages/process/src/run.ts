// Running a child process to its end and keeping what it printed: the one way every package and
// test does it.
import { type ChildProcess, spawn } from 'node:child_process';

export interface RunOptions {
  cwd?: string;
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL, with its process group) after this long; the result says so. */
  timeoutMs?: number;
  /** Aborting it ends the program and everything it started (SIGTERM to its process group). */
  signal?: AbortSignal;
}

export interface RunResult {
  ok: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr as they came, interleaved: what a person would have seen. */
  output: string;
  timedOut: boolean;
}

/** Runs `command` with `args` and resolves once it exits; rejects only when it cannot start. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a timeout or an abort ends whatever it started too.
      detached: options.timeoutMs !== undefined || options.signal !== undefined,
    });
    const abort = () => killGroup(child, 'SIGTERM');
    options.signal?.addEventListener('abort', abort, { once: true });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      output += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      output += chunk;
    });
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            killGroup(child, 'SIGKILL');
          }, options.timeoutMs);
    const done = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', abort);
    };
    child.once('error', (error) => {
      done();
      reject(new Error(`cannot run ${command}: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      done();
      resolve({ ok: code === 0, code, signal, stdout, stderr, output, timedOut });
    });
  });
}

/** Runs a script with this Node binary. */
export function runNode(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return run(process.execPath, args, options);
}

/** Signals the process group a detached child leads (and so everything it started). */
export function killGroup(child: ChildProcess | number, signal: NodeJS.Signals): void {
  const pid = typeof child === 'number' ? child : child.pid;
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Resolves once the child has exited, however it ended (or failed to start). */
export function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
}

/** Calls `onLine` with each non-empty line a stream carries. */
export function forwardLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onLine(line);
  });
}

export interface StartedProcess {
  child: ChildProcess;
  /** The first group of `ready`'s match (a URL, a port), or the whole match when it has none. */
  found: string;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGTERM) unless it already exited, and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts a long-running program (a server, a CLI) and resolves once its output matches `ready`;
 * rejects, with what it printed, when it exits first or takes longer than `timeoutMs`.
 */
export async function startProcess(
  command: string,
  args: readonly string[],
  ready: RegExp,
  options: RunOptions & { detached?: boolean } = {},
): Promise<StartedProcess> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached,
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = exitOf(child);
  const found = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      if (options.detached) killGroup(child, 'SIGKILL');
      else child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} was not ready within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const look = () => {
      const match = ready.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', look);
      child.stderr.off('data', look);
      resolve(match[1] ?? match[0]);
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${command} ${args.join(' ')} exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
  return {
    child,
    found,
    output: () => output,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
