#!/usr/bin/env node
// PAYOUTS_TOKEN=... pnpm verify --base-url URL [--token-file FILE] [--only OPERATION_ID] [--junit FILE] [--json FILE]
// pnpm verify proxy --target URL [--port N] [--host H]
// Exit codes: 0 every check passed, 1 a check failed, 2 the command could not run as asked.
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isUsageError, parsePort, UsageError } from '@payouts/process';
import { startValidatingProxy } from './proxy.js';
import { renderJson, renderJunit, renderText } from './report.js';
import { verifyProvider } from './verify.js';

const USAGE = `Usage:
  PAYOUTS_TOKEN=<token> pnpm verify --base-url URL [--only OPERATION_ID] [--junit FILE] [--json FILE]
  pnpm verify --base-url URL --token-file FILE ...
      Checks a running provider against the Payouts spec; exits 0 only when no check fails.
      The bearer token comes from PAYOUTS_TOKEN or a file (--token); --token TOKEN still works,
      but puts the token where every user of the machine can read it (ps).
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
      'token-file': { type: 'string' },
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
  const token = await tokenFrom(values.token, values['token-file']);
  const report = await verifyProvider({ baseUrl: values['base-url'], token, only: values.only });
  process.stdout.write(renderText(report));
  if (values.junit) await writeFile(values.junit, renderJunit(report));
  if (values.json) await writeFile(values.json, renderJson(report));
  return report.failed === 0 ? 0 : 1;
}

/** The bearer token: --token (with a warning), else --token-file, else PAYOUTS_TOKEN. */
async function tokenFrom(flag: string | undefined, file: string | undefined): Promise<string> {
  if (flag !== undefined) {
    console.error(
      'verify: warning: --token puts the token on the command line, where every user of this machine can read it; set PAYOUTS_TOKEN or use --token-file',
    );
    return flag;
  }
  let token = process.env.PAYOUTS_TOKEN;
  if (file !== undefined) {
    try {
      token = (await readFile(file, 'utf8')).trim();
    } catch (error) {
      throw new UsageError(`--token-file ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  if (!token) throw new UsageError('a bearer token is required: set PAYOUTS_TOKEN, or pass --token-file FILE');
  return token;
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
