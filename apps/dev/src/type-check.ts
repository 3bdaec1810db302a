// The clients type-checked against the types a save just wrote, warm (type-check-worker.ts): the
// client's sources with its copy of the types read from @payouts/types' new file, and the React
// hooks against the client's sources, before turbo rebuilds either package's files.
import { join } from 'node:path';
import type { TypeCheckAnswer, TypeCheckRequest } from './type-check-worker.js';
import { WorkerClient } from './worker-client.js';

export interface TypeCheckResult {
  ok: boolean;
  /** Each error with its file, line and column. */
  report: string;
  ms: number;
}

export class ClientsTypeCheck {
  private readonly checker = new WorkerClient<TypeCheckRequest, TypeCheckAnswer>(
    new URL('../dist/type-check-worker.js', import.meta.url),
    (id, failure) => ({ id, failure }),
  );

  constructor(
    private readonly root: string,
    /** The types to check against: @payouts/types' dist/openapi.d.ts (a test may give another file). */
    private readonly typesFile = join(root, 'packages', 'types', 'dist', 'openapi.d.ts'),
  ) {}

  async check(): Promise<TypeCheckResult> {
    const started = performance.now();
    const client = join(this.root, 'packages', 'client');
    const answer = await this.checker.ask({
      root: this.root,
      projects: [
        { tsconfig: join(client, 'tsconfig.build.json') },
        {
          tsconfig: join(this.root, 'packages', 'react', 'tsconfig.build.json'),
          paths: { '@payouts/client': [join(client, 'src', 'index.ts')] },
        },
      ],
      redirects: { [join(client, 'src', 'generated', 'openapi.d.ts')]: this.typesFile },
    });
    const ms = performance.now() - started;
    if ('failure' in answer) return { ok: false, report: `the clients' type-check could not run: ${answer.failure}`, ms };
    return { ok: answer.errors.length === 0, report: answer.errors.join('\n'), ms };
  }

  close(): Promise<void> {
    return this.checker.close();
  }
}
