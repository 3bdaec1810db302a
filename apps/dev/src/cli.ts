#!/usr/bin/env node
// pnpm dev: the daily loop of the spec's owners. Usage:
//   pnpm dev [--host 127.0.0.1] [--mock-port 4010] [--docs-port 4020] [--sandbox-port 4030]
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startDev } from './dev.js';
import { findWorkspaceRoot } from './workspace.js';

const USAGE = `Usage: pnpm dev [--host 127.0.0.1] [--mock-port 4010] [--docs-port 4020] [--sandbox-port 4030]
Builds everything, serves the docs, the mock and the sandbox, and rebuilds on every save under spec/.
A port of 0 picks a free one. Ctrl-C stops everything.`;

function port(name: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65535) throw new Error(`--${name} must be a whole number from 0 to 65535, got "${text}"`);
  return value;
}

async function main() {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      'mock-port': { type: 'string', default: '4010' },
      'docs-port': { type: 'string', default: '4020' },
      'sandbox-port': { type: 'string', default: '4030' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return console.log(USAGE);
  const session = await startDev({
    root: findWorkspaceRoot(fileURLToPath(new URL('.', import.meta.url))),
    host: values.host,
    mockPort: port('mock-port', values['mock-port']),
    docsPort: port('docs-port', values['docs-port']),
    sandboxPort: port('sandbox-port', values['sandbox-port']),
  });
  console.log(`  docs     ${session.urls.docs}`);
  console.log(`  mock     ${session.urls.mock}`);
  console.log(`  sandbox  ${session.urls.sandbox}  (Authorization: Bearer ${session.sandboxTokens[0]})`);
  console.log('watching spec/ for changes (Ctrl-C to stop)');
  const stop = () => void session.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  // The servers name their own --port; here each has a flag of its own.
  const hint = /in use/.test(message) ? '\npnpm dev takes --mock-port, --docs-port and --sandbox-port (0 picks a free one).' : '';
  console.error(message + hint);
  process.exitCode = 1;
});
