// The conforming provider the tests verify: the stateful sandbox (@payouts/sandbox) when this
// workspace has it, else the small fixture provider that follows the spec.
import { startFixtureProvider } from './fixture-provider.js';

export interface Provider {
  name: 'sandbox' | 'fixture';
  url: string;
  stop(): Promise<void>;
}

type StartSandbox = (options: { port: number; tokens: string[] }) => Promise<{ url: string; stop(): Promise<void> }>;

export async function startConformingProvider(tokens: string[]): Promise<Provider> {
  const sandboxPackage = '@payouts/sandbox'; // not a declared dependency until it exists
  let startSandbox: StartSandbox | undefined;
  try {
    ({ startSandbox } = (await import(sandboxPackage)) as { startSandbox: StartSandbox });
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
  }
  if (startSandbox) return { name: 'sandbox', ...(await startSandbox({ port: 0, tokens })) };
  return { name: 'fixture', ...(await startFixtureProvider({ tokens })) };
}
