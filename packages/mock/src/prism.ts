import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { connectHost, exitOf, findFreePort, forwardLines, httpUrl, killGroup, PortInUseError } from '@payouts/process';

const require = createRequire(import.meta.url);
const PRISM_CLI = require.resolve('@stoplight/prism-cli');
// Plain CommonJS outside src/, so the same relative path works from src/ (tests) and dist/.
const EXIT_WITH_PARENT = fileURLToPath(new URL('../preload/exit-with-parent.cjs', import.meta.url));

export type PrismLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export interface PrismOptions {
  /** Path of the OpenAPI document. */
  spec: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  dynamic: boolean;
  seed?: string | number;
  errors: boolean;
  /** Prism's `-v`. Anything above `silent` costs throughput (see bench/). */
  logLevel: PrismLogLevel;
  /** How long Prism may take to answer its first request. */
  startTimeoutMs?: number;
  /** Prism's `proxy` instead of `mock`: forward to this provider and validate what it answers. */
  proxyTo?: string;
  /** With `proxyTo`: validate requests too (Prism's default) or let every request through. */
  validateRequests?: boolean;
  /** Prism's log lines (a violation is logged there too); dropped when absent. */
  onLog?: (line: string) => void;
  /** The flag that sets `port`, named when it is taken. */
  portFlag?: string;
}

export interface PrismProcess {
  url: string;
  port: number;
  /** Ends Prism's whole process group and resolves once it has exited. */
  stop(): Promise<void>;
}

const FREE_PORT_ATTEMPTS = 5;
const STOP_GRACE_MS = 3000;

/** Starts the real Prism CLI (`prism mock`, or `prism proxy`) and resolves once it answers HTTP. */
export async function startPrism(options: PrismOptions): Promise<PrismProcess> {
  // Prism reports the port it bound only in its `info` log, which halves its throughput. So for
  // port 0 we take a free port from the OS, release it and hand it to Prism; in the short gap
  // another process may take it, and Prism then exits with EADDRINUSE: take another one.
  for (let attempt = 1; ; attempt++) {
    const port = options.port === 0 ? await findFreePort(options.host) : options.port;
    try {
      return await launch(options, port);
    } catch (error) {
      const lostRace = error instanceof PortInUseError && options.port === 0 && attempt < FREE_PORT_ATTEMPTS;
      if (!lostRace) throw error;
    }
  }
}

async function launch(options: PrismOptions, port: number): Promise<PrismProcess> {
  const args = [
    '--require',
    EXIT_WITH_PARENT,
    PRISM_CLI,
    ...(options.proxyTo ? ['proxy', options.spec, options.proxyTo] : ['mock', options.spec]),
    '--host',
    options.host,
    '--port',
    String(port),
    '-v',
    options.logLevel,
    // Prism would grant CORS to any origin; whoever fronts it decides which origins get it.
    '--cors=false',
  ];
  if (options.errors) args.push('--errors');
  if (options.proxyTo && options.validateRequests === false) args.push('--validate-request', 'false');
  if (options.dynamic) {
    args.push('--dynamic');
    if (options.seed !== undefined) args.push('--seed', String(options.seed));
  }
  // detached: Prism leads its own process group, so stop() ends it and anything it forks at once.
  // stdin is the pipe the preloaded guard watches; stdout carries only Prism's log.
  const child = spawn(process.execPath, args, { detached: true, stdio: ['pipe', options.onLog ? 'pipe' : 'ignore', 'pipe'] });
  if (options.onLog) forwardLines(child.stdout!, options.onLog);
  const exited = exitOf(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-8192)));
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);

  const url = httpUrl(options.host, port);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
  };

  try {
    const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
    const answered = await waitUntilPrismAnswers(options.host, port, deadline, () => child.exitCode !== null || child.signalCode !== null);
    if (!answered) {
      const { code, signal } = await exited;
      if (/EADDRINUSE/.test(stderr)) throw new PortInUseError(options.host, port, options.portFlag ?? '--port');
      throw new Error(`Prism stopped before it answered (${reasonIn(stderr) || `exit ${code ?? signal}`})`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, stop };
}

/** The line of a crash's stderr that says what went wrong (Node prints the stack around it). */
function reasonIn(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.find((line) => /^\w*Error\b|^Error:/.test(line)) ?? lines.at(-1) ?? '';
}

/**
 * Polls until Prism answers `GET /` with its own "no path matched" problem (any other answer on
 * that port is somebody else's server); false when Prism exited first.
 */
async function waitUntilPrismAnswers(host: string, port: number, deadline: number, hasExited: () => boolean): Promise<boolean> {
  while (!hasExited()) {
    const body = await getText(connectHost(host), port, '/').catch(() => undefined);
    if (body?.includes('stoplight.io/prism/errors#NO_PATH_MATCHED')) return true;
    if (Date.now() > deadline) throw new Error(`Prism did not answer on port ${port} in time`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

function getText(host: string, port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, agent: false, timeout: 1000 }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
