// The sandbox as a separate process, started the way a person starts it (dist/cli.js), for the
// CLI's own tests and for races between two processes on one database file.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { call, type Answer } from './sandbox.js';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface SandboxProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  call<T = any>(method: string, path: string, options?: Parameters<typeof call>[3]): Promise<Answer<T>>;
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<number | null>;
}

/** Runs the CLI with these arguments and answers once it printed its URL. */
export async function spawnSandbox(args: string[]): Promise<SandboxProcess> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`no URL printed within 15 s:\n${output}`)), 15_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.stdout!.on('data', () => {
      // The banner's last line says the CLI is ready (and has set up its signal handlers).
      const match = /listening on (http:\/\/\S+)[\s\S]*\n {2}try: .*\n/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((code) => fail(new Error(`the sandbox exited (${code}) before printing its URL:\n${output}`)));
  });
  return {
    url,
    child,
    output: () => output,
    call: (method, path, options) => call(url, method, path, options),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs the CLI to its end (for arguments that make it refuse to start). */
export async function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, stdout, stderr };
}
