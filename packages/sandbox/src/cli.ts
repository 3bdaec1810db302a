#!/usr/bin/env node
// pnpm sandbox [--port 4030] [--host 127.0.0.1] [--db FILE|postgres://...] [--token T]... [--token-file FILE]
//              [--callback-secret S]... [--tenants FILE] [--admin-token T] [--cors-origin ORIGIN]...
//              [--bank simulated|none] [--bank-delay SECONDS] [--seed-demo] [--no-validate-responses] [--quiet]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isUsageError, normalOrigin, parsePort, scriptArgs, UsageError } from '@payouts/process';
import { type BankKind, bankSettingProblem, DEFAULT_BANK_DELAY_SECONDS } from './bank.js';
import { DEFAULT_CALLBACK_SECRET, DEFAULT_TOKEN, type Sandbox, type SandboxOptions, startSandbox } from './sandbox.js';
import { isPostgresUrl } from './store/database.js';
import { readTenantsFile } from './tenants.js';

const DEFAULT_PORT = '4030';

const USAGE = `Usage: pnpm sandbox [options]
  The Payouts API with real state, on SQLite or PostgreSQL.
  --port N                  port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H                  address to listen on (default 127.0.0.1)
  --db FILE|URL             a SQLite file to keep the data in, or a PostgreSQL database
                            (postgres://user:password@host:port/db) that several sandboxes can share
                            (default: in memory, gone on exit)
  --token T                 an accepted bearer token; repeat for several (default: $PAYOUTS_TOKEN, else
                            ${DEFAULT_TOKEN}; none when --tenants or --admin-token is given). A token in
                            the command line is visible to every user of the machine (ps): prefer
  --token-file FILE         a file of accepted bearer tokens, one a line (# starts a comment)
  --callback-secret S       the secret Payout Callbacks are signed with (X-Payout-Signature); repeat
                            while rotating one (default: $PAYOUTS_CALLBACK_SECRET, else ${DEFAULT_CALLBACK_SECRET})
  --tenants FILE            isolated tenants: {"tenants": [{"name", "tokens", "callback_secret", "seed_demo"}]}
  --admin-token T           turns on the admin API (/_sandbox/tenants/: make and drop tenants) behind
                            this bearer token (default: $PAYOUTS_ADMIN_TOKEN; off without one)
  --cors-origin ORIGIN      an origin whose pages may call the sandbox (e.g. http://127.0.0.1:4020);
                            repeat for several. None by default: no other page can read its answers
  --bank simulated|none     simulated: the sandbox settles every exported payout by itself through a
                            signed Payout Callback, its outcome chosen by the amount (a multiple of
                            100 is paid; see admin/openapi.yaml); none (default): a provider does
  --bank-delay SECONDS      how long the simulated bank waits after an export (default ${DEFAULT_BANK_DELAY_SECONDS}; 0 at once)
  --seed-demo               demo payouts in every status, into an empty database
  --no-validate-responses   skip checking each answer against the spec (faster)
  --quiet                   no line per request`;

const FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  db: { type: 'string' },
  token: { type: 'string', multiple: true },
  'token-file': { type: 'string' },
  'cors-origin': { type: 'string', multiple: true },
  'callback-secret': { type: 'string', multiple: true },
  tenants: { type: 'string' },
  'admin-token': { type: 'string' },
  bank: { type: 'string' },
  'bank-delay': { type: 'string' },
  'seed-demo': { type: 'boolean' },
  'no-validate-responses': { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = ReturnType<typeof parseArgs<{ options: typeof FLAGS }>>['values'];

/** The command line as startSandbox takes it, secrets from files and the environment too. */
function optionsFrom(values: Flags): SandboxOptions {
  const tokens = tokensFrom(values.token, values['token-file']);
  warnOfSecretsInArgv(values);
  const corsOrigins = (values['cors-origin'] ?? []).map((origin) => {
    try {
      return normalOrigin(origin);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  });
  const fromEnvironment = process.env.PAYOUTS_CALLBACK_SECRET;
  const callbackSecrets = values['callback-secret'] ?? (fromEnvironment ? [fromEnvironment] : undefined);
  if (callbackSecrets?.some((secret) => secret === '')) throw new UsageError('--callback-secret may not be empty');
  return {
    port: parsePort(values.port ?? DEFAULT_PORT),
    host: values.host ?? '127.0.0.1',
    db: values.db,
    tokens,
    callbackSecrets,
    corsOrigins,
    tenants: values.tenants === undefined ? undefined : readTenantsFile(values.tenants),
    adminToken: values['admin-token'] ?? (process.env.PAYOUTS_ADMIN_TOKEN || undefined),
    ...bankFrom(values.bank, values['bank-delay']),
    seedDemo: values['seed-demo'],
    validateResponses: !values['no-validate-responses'],
    logRequests: !values.quiet,
    log: (line) => console.error(line),
  };
}

/** What the sandbox tells the person who started it: where it is, what it keeps, how to call it. */
function bannerOf(sandbox: Sandbox, options: SandboxOptions, values: Flags): string {
  const { db, tenants, adminToken, callbackSecrets } = options;
  const banner = [
    `Payouts sandbox listening on ${sandbox.url}`,
    `  data: ${db ? `${sandbox.database} (${isPostgresUrl(db) ? 'PostgreSQL' : 'SQLite'}, kept)` : 'in memory (gone on exit; --db FILE keeps it)'}`,
  ];
  if (sandbox.tokens.length > 0) {
    banner.push(
      `  tokens: ${sandbox.tokens.map((t) => `"Authorization: Bearer ${shownToken(t)}"`).join(', ')}`,
      callbackSecrets
        ? `  callbacks: signed with the given secret${callbackSecrets.length > 1 ? 's' : ''} (X-Payout-Signature)`
        : `  callbacks: signed with the development secret "${DEFAULT_CALLBACK_SECRET}" (X-Payout-Signature; signCallback in @payouts/callbacks)`,
    );
  }
  if (tenants?.length) banner.push(`  tenants: ${tenants.map((t) => t.name).join(', ')} (from ${values.tenants})`);
  if (adminToken) banner.push(`  admin: POST ${sandbox.url}/_sandbox/tenants/ makes a tenant (admin token required)`);
  if (options.bank === 'simulated')
    banner.push(
      `  bank: simulated, settling each exported payout after ${options.bankDelaySeconds ?? DEFAULT_BANK_DELAY_SECONDS} s (amount % 100: 01, 02 fail, 03 reversed, 04 never, 05 twice; else paid)`,
    );
  if (options.seedDemo) {
    banner.push(
      sandbox.demoPayouts > 0
        ? `  demo: ${sandbox.demoPayouts} payouts in every status`
        : '  demo: skipped, the database already holds payouts',
    );
  }
  // Only the well-known development token is printed whole: any other is a secret of whoever gave it.
  const token = sandbox.tokens[0] === DEFAULT_TOKEN ? DEFAULT_TOKEN : '$PAYOUTS_TOKEN';
  banner.push(`  try: curl -H "Authorization: Bearer ${token}" ${sandbox.url}/v1/lms/payouts/`);
  return banner.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, strict: true, options: FLAGS });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const options = optionsFrom(values);
  const sandbox = await startSandbox(options);
  await new Promise<void>((resolve) => {
    const stop = () => void sandbox.stop().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // Printed once the handlers are set: a caller that read the banner can stop the sandbox cleanly.
    console.log(bannerOf(sandbox, options, values));
  });
  return 0;
}

/** --bank and --bank-delay as startSandbox takes them; a bad value is a usage error naming it. */
function bankFrom(kind: string | undefined, delay: string | undefined): Pick<SandboxOptions, 'bank' | 'bankDelaySeconds'> {
  const seconds = delay === undefined ? undefined : /^\d+(\.\d+)?$/.test(delay) ? Number(delay) : Number.NaN;
  const problem = bankSettingProblem(kind, seconds);
  if (problem) throw new UsageError(problem.replace('"bank_delay"', '--bank-delay').replace('"bank"', '--bank'));
  if (delay !== undefined && kind !== 'simulated') throw new UsageError('--bank-delay applies only with --bank simulated');
  return { ...(kind === undefined ? {} : { bank: kind as BankKind }), ...(seconds === undefined ? {} : { bankDelaySeconds: seconds }) };
}

/** A token as the banner shows it: the development token whole, any other as its last four characters. */
function shownToken(token: string): string {
  if (token === DEFAULT_TOKEN) return token;
  return token.length >= 12 ? `****${token.slice(-4)}` : '****';
}

/** The accepted tokens: --token and --token-file together, else $PAYOUTS_TOKEN; undefined for the default. */
function tokensFrom(given: string[] | undefined, file: string | undefined): string[] | undefined {
  const tokens = [...(given ?? [])];
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`--token-file ${file} cannot be read: ${(error as Error).message}`);
    }
    const lines = text
      .split(/\r?\n/)
      .map((line) => line.replace(/#.*/, '').trim())
      .filter(Boolean);
    if (lines.length === 0) throw new UsageError(`--token-file ${file} holds no token`);
    tokens.push(...lines);
  }
  if (tokens.length === 0 && process.env.PAYOUTS_TOKEN) tokens.push(process.env.PAYOUTS_TOKEN);
  const bad = tokens.find((t) => !/^\S+$/.test(t));
  if (bad !== undefined) throw new UsageError(`the token "${shownToken(bad)}" must be one word with no spaces`);
  return tokens.length > 0 ? tokens : undefined;
}

/** Secrets in argv are readable by every user of the machine (ps, /proc): say so, and where else to put them. */
function warnOfSecretsInArgv(values: { token?: string[]; 'callback-secret'?: string[]; 'admin-token'?: string }): void {
  const where: Record<string, string> = {
    '--token': '--token-file or PAYOUTS_TOKEN',
    '--callback-secret': 'PAYOUTS_CALLBACK_SECRET',
    '--admin-token': 'PAYOUTS_ADMIN_TOKEN',
  };
  const given = {
    '--token': values.token?.some((t) => t !== DEFAULT_TOKEN),
    '--callback-secret': values['callback-secret']?.some((s) => s !== DEFAULT_CALLBACK_SECRET),
    '--admin-token': values['admin-token'] !== undefined,
  };
  for (const [flag, present] of Object.entries(given)) {
    if (present)
      console.error(`sandbox: warning: ${flag} is visible to every user of this machine (ps); pass it through ${where[flag]} instead`);
  }
}

try {
  process.exitCode = await main(scriptArgs());
} catch (error) {
  console.error(`sandbox: ${(error as Error).message}${isUsageError(error) ? `\n\n${USAGE}` : ''}`);
  process.exitCode = 2;
}
