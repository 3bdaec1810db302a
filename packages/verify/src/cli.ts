#!/usr/bin/env node
// pnpm verify --base-url URL --token TOKEN [--only OPERATION_ID] [--junit FILE] [--json FILE]
// pnpm verify proxy --target URL [--port N] [--host H]
// Exit codes: 0 every check passed, 1 a check failed, 2 the command could not run as asked.
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isUsageError, parsePort, UsageError } from '@payouts/process';
import { startValidatingProxy } from './proxy.js';
import { renderJson, renderJunit, renderText } from './report.js';
import { verifyProvider } from './verify.js';

const USAGE = `Usage:
  pnpm verify --base-url URL --token TOKEN [--only OPERATION_ID] [--junit FILE] [--json FILE]
      Checks a running provider against the Payouts spec; exits 0 only when no check fails.
  pnpm verify proxy --target URL [--port N] [--host 127.0.0.1]
      A validating proxy (Prism) in front of a provider: answers that break the spec become
      500 application/problem+json naming each field. Point your end-to-end suite at it.`;

async function verifyCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      'base-url': { type: 'string' },
      token: { type: 'string' },
      only: { type: 'string' },
      junit: { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values['base-url']) throw new UsageError('--base-url is required');
  if (!values.token) throw new UsageError('--token is required');
  const report = await verifyProvider({ baseUrl: values['base-url'], token: values.token, only: values.only });
  process.stdout.write(renderText(report));
  if (values.junit) await writeFile(values.junit, renderJunit(report));
  if (values.json) await writeFile(values.json, renderJson(report));
  return report.failed === 0 ? 0 : 1;
}

async function proxyCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { target: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.target) throw new UsageError('--target is required (the provider to put the proxy in front of)');
  const port = values.port === undefined ? 0 : parsePort(values.port);
  const proxy = await startValidatingProxy({ target: values.target, port, host: values.host, onLog: (line) => console.error(line) });
  console.log(`validating proxy for ${values.target} listening on ${proxy.url} (Ctrl-C stops it)`);
  await new Promise<void>((resolve) => {
    const stop = () => void proxy.stop().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

async function main(argv: string[]): Promise<number> {
  try {
    return argv[0] === 'proxy' ? await proxyCommand(argv.slice(1)) : await verifyCommand(argv);
  } catch (error) {
    console.error(`verify: ${(error as Error).message}${isUsageError(error) ? `\n\n${USAGE}` : ''}`);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
