// The callers' packages (client, react) rebuilt after a save from warm programs on a worker
// thread (build-worker.ts), byte for byte what their `pnpm build` writes.

import { WorkerClient } from '@payouts/process';
import type { ClientsBuildAnswer, ClientsBuildRequest } from './build-worker.js';

export interface ClientsBuildResult {
  ok: boolean;
  /** Each error with its file, line and column. */
  report: string;
  ms: number;
}

export class ClientsBuild {
  private readonly builder = new WorkerClient<ClientsBuildRequest, ClientsBuildAnswer>(
    new URL('../dist/build-worker.js', import.meta.url),
    (id, failure) => ({ id, failure }),
  );

  constructor(private readonly request: Omit<ClientsBuildRequest, 'id'>) {}

  async build(): Promise<ClientsBuildResult> {
    const started = performance.now();
    const answer = await this.builder.ask(this.request);
    const ms = performance.now() - started;
    if ('failure' in answer) return { ok: false, report: `the clients' build could not run: ${answer.failure}`, ms };
    return { ok: answer.errors.length === 0, report: answer.errors.join('\n'), ms };
  }

  close(): Promise<void> {
    return this.builder.close();
  }
}
