#!/usr/bin/env node
// PAYOUTS_TOKEN=... [PAYOUTS_CALLBACK_SECRET=...] pnpm verify --base-url URL [--token-file FILE]
//   [--callback-secret-file FILE] [--only OPERATION_ID] [--junit FILE] [--json FILE]
// pnpm verify proxy --target URL [--port N] [--host H]
// Exit codes: 0 every check passed, 1 a check failed, 2 the command could not run as asked.
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isUsageError, parsePort, scriptArgs, UsageError } from '@payouts/process';
import { startValidatingProxy } from './proxy.js';
import { renderJson, renderJunit, renderText } from './report.js';
import { verifyProvider } from './verify.js';

const USAGE = `Usage:
  PAYOUTS_TOKEN=<token> pnpm verify --base-url URL [--only OPERATION_ID] [--junit FILE] [--json FILE]
  pnpm verify --base-url URL --token-file FILE ...
      Checks a running provider against the Payouts spec; exits 0 only when no check fails.
      The bearer token comes from PAYOUTS_TOKEN or a file (--token-file); --token TOKEN still
      works, but puts the token where every user of the machine can read it (ps).
      The provider's callback secret, to sign the Payout Callbacks verify sends, comes from
      PAYOUTS_CALLBACK_SECRET or --callback-secret-file FILE; without it the checks that need a
      signed callback are skipped, and the report lists them.
  pnpm verify proxy --target URL [--port N] [--host 127.0.0.1]
      A validating proxy (Prism) in front of a provider: answers that break the spec become
      500 application/problem+json naming each field. Requests without credentials reach the
      provider too; any answer but its documented 401 is such a violation. Point your
      end-to-end suite at it.`;

async function verifyCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      'base-url': { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      'callback-secret': { type: 'string' },
      'callback-secret-file': { type: 'string' },
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
  const token = await secretFrom('token', 'PAYOUTS_TOKEN', '--token', values.token, values['token-file']);
  if (!token) throw new UsageError('a bearer token is required: set PAYOUTS_TOKEN, or pass --token-file FILE');
  const callbackSecret = await secretFrom(
    'callback secret',
    'PAYOUTS_CALLBACK_SECRET',
    '--callback-secret',
    values['callback-secret'],
    values['callback-secret-file'],
  );
  const report = await verifyProvider({ baseUrl: values['base-url'], token, callbackSecret, only: values.only });
  process.stdout.write(renderText(report));
  if (values.junit) await writeFile(values.junit, renderJunit(report));
  if (values.json) await writeFile(values.json, renderJson(report));
  return report.failed === 0 ? 0 : 1;
}

/** A secret from its flag (with a warning), else its file (`<flag>-file`), else its environment variable. */
async function secretFrom(
  what: string,
  variable: string,
  flag: string,
  value: string | undefined,
  file: string | undefined,
): Promise<string | undefined> {
  if (value !== undefined) {
    console.error(
      `verify: warning: ${flag} puts the ${what} on the command line, where every user of this machine can read it; set ${variable} or use ${flag}-file`,
    );
    return value;
  }
  if (file === undefined) return process.env[variable] || undefined;
  try {
    const text = (await readFile(file, 'utf8')).trim();
    if (!text) throw new UsageError(`${flag}-file ${file} is empty`);
    return text;
  } catch (error) {
    if (isUsageError(error)) throw error;
    throw new UsageError(`${flag}-file ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
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

process.exitCode = await main(scriptArgs());
