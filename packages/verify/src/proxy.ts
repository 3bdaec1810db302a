// Passive mode: Prism's validating proxy (`prism proxy <spec> <target> --errors`) in front of a
// provider. Every answer is checked against the spec; one that breaks it reaches the client as a
// 500 application/problem+json whose `validation` list (and `sl-violations` header) names each
// field, so a provider's own end-to-end suite fails on it. Requests are not validated: an e2e
// suite's deliberate bad input must reach the provider, whose answer is what is judged.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { httpUrl } from './http.js';
import { defaultSpecPath } from './spec.js';

const PRISM = createRequire(import.meta.url).resolve('@stoplight/prism-cli/dist/index.js');
const START_TIMEOUT_MS = 30_000;

export interface ValidatingProxy {
  url: string;
  stop(): Promise<void>;
}

export interface ProxyOptions {
  target: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Where Prism's log lines go (each violation is logged there too); default: dropped. */
  onLog?: (line: string) => void;
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startValidatingProxy(options: ProxyOptions): Promise<ValidatingProxy> {
  const target = httpUrl(options.target, '--target');
  const host = options.host ?? '127.0.0.1';
  // Prism reports the port it was given, not the one it bound, so port 0 is resolved here first.
  const port = options.port || (await freePort(host));
  const args = [PRISM, 'proxy', defaultSpecPath(), target, '--errors', '--validate-request', 'false', '-p', String(port), '-h', host];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = `http://${host}:${port}`;
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`prism proxy did not start within ${START_TIMEOUT_MS / 1000} s:\n${output}`)), START_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGTERM');
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      for (const line of text.split('\n')) if (line.trim()) options.onLog?.(line);
      if (output.includes('Prism is listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`prism proxy exited (${code}) before listening:\n${output}`)));
  });
  child.removeAllListeners('exit');
  return { url, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
