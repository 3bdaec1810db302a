// The sandbox as a separate process, started the way a person starts it (dist/cli.js), for the
// CLI's own tests and for races between two processes on one database file.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type RunResult, runNode, startProcess } from '@payouts/process';
import { type Answer, call } from '../testing.js';

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
export async function spawnSandbox(args: string[], env?: Record<string, string>): Promise<SandboxProcess> {
  // The banner's last line says the CLI is ready (and has set up its signal handlers).
  const started = await startProcess(process.execPath, [CLI, ...args], /listening on (http:\/\/\S+)[\s\S]*\n {2}try: .*\n/, {
    timeoutMs: 15_000,
    env,
  });
  const url = started.found;
  return {
    url,
    child: started.child,
    output: started.output,
    call: (method, path, options) => call(url, method, path, options),
    stop: async () => (await started.stop()).code,
  };
}

/** Runs the CLI to its end (for arguments that make it refuse to start). */
export function runCli(args: string[]): Promise<RunResult> {
  return runNode([CLI, ...args], { timeoutMs: 15_000 });
}
