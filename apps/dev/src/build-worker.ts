// The callers' packages built warm, on a thread of their own: the client and then the React hooks,
// with the packages' own build functions (what their `pnpm build` runs) and one set of TypeScript
// programs kept from save to save, so a save re-checks and re-emits only what the new types reach.
import { parentPort } from 'node:worker_threads';
import { buildClient } from '@payouts/client/build';
import { Programs } from '@payouts/compile';
import { buildReact } from '@payouts/react/build';

export interface ClientsBuildRequest {
  id: number;
  /** Where the errors' file names are relative to. */
  reportDir: string;
  /** Other copies of the packages to build (a test's workspace copy); default the installed ones. */
  clientDir?: string;
  reactDir?: string;
}

export type ClientsBuildAnswer = { id: number; errors: string[] } | { id: number; failure: string };

const programs = new Programs();

parentPort?.on('message', async ({ id, reportDir, clientDir, reactDir }: ClientsBuildRequest) => {
  try {
    // React compiles against the client's fresh declarations, so it waits for them.
    const client = await buildClient({ programs, reportDir, packageDir: clientDir });
    const errors = client.ok ? (await buildReact({ programs, reportDir, packageDir: reactDir })).errors : client.errors;
    parentPort?.postMessage({ id, errors } satisfies ClientsBuildAnswer);
  } catch (error) {
    parentPort?.postMessage({ id, failure: error instanceof Error ? error.message : String(error) } satisfies ClientsBuildAnswer);
  }
});
