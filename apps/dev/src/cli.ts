#!/usr/bin/env node
// pnpm dev: the daily loop of the spec's owners. `pnpm run docs` is this loop serving the docs only.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isUsageError, parsePort, scriptArgs, UsageError } from '@payouts/process';
import { SERVERS, type ServerName } from './servers.js';
import { findWorkspaceRoot } from './workspace.js';

const USAGE = `Usage: pnpm dev [--serve docs,mock,sandbox] [--host 127.0.0.1] [--mock-port 4010] [--docs-port 4020] [--sandbox-port 4030]
Builds everything, serves the docs, the mock and the sandbox (or those --serve names), and rebuilds
on every save under spec/: spec, types, clients and docs, the mock reloaded. A port of 0 picks a free
one. Ctrl-C stops everything. \`pnpm run docs\` is \`pnpm dev --serve docs\`.`;

function servers(text: string): ServerName[] {
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(SERVERS as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0)
    throw new UsageError(`--serve takes a comma-separated list of ${SERVERS.join(', ')}; got "${text}"`);
  return names as ServerName[];
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: scriptArgs(),
    options: {
      serve: { type: 'string', default: SERVERS.join(',') },
      host: { type: 'string', default: '127.0.0.1' },
      'mock-port': { type: 'string', default: '4010' },
      'docs-port': { type: 'string', default: '4020' },
      'sandbox-port': { type: 'string', default: '4030' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const options = {
    root: findWorkspaceRoot(fileURLToPath(new URL('.', import.meta.url))),
    host: values.host,
    serve: servers(values.serve),
    mockPort: parsePort(values['mock-port'], '--mock-port'),
    docsPort: parsePort(values['docs-port'], '--docs-port'),
    sandboxPort: parsePort(values['sandbox-port'], '--sandbox-port'),
  };
  // Loaded only now: the servers, Redoc and Prism take a second or two to load, and a mistyped flag
  // should be told at once.
  const { startDev } = await import('./dev.js');
  const session = await startDev(options);
  const { docs, mock, sandbox } = session.urls;
  if (docs) console.log(`  docs     ${docs}`);
  if (mock) console.log(`  mock     ${mock}`);
  if (sandbox) {
    console.log(`  sandbox  ${sandbox}  (Authorization: Bearer ${session.sandboxTokens[0]})`);
    console.log(`           callbacks signed with "${session.sandboxCallbackSecrets[0]}" (X-Payout-Signature)`);
    console.log('           bank: simulated, settling each exported payout after 2 s by its amount (the docs page has the table)');
  }
  console.log('watching spec/ for changes (Ctrl-C to stop)');
  const stop = () => void session.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(isUsageError(error) ? `${message}\n\n${USAGE}` : message);
    process.exitCode = isUsageError(error) ? 2 : 1;
  },
);
