#!/usr/bin/env node
// pnpm sandbox [--port 4030] [--host 127.0.0.1] [--db FILE|postgres://...] [--token T]... [--callback-secret S]...
//              [--tenants FILE] [--admin-token T] [--seed-demo] [--no-validate-responses] [--quiet]
import { parseArgs } from 'node:util';
import { isUsageError, parsePort, UsageError } from '@payouts/process';
import { DEFAULT_CALLBACK_SECRET, DEFAULT_TOKEN, startSandbox } from './sandbox.js';
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
  --token T                 an accepted bearer token; repeat for several (default ${DEFAULT_TOKEN},
                            none when --tenants or --admin-token is given)
  --callback-secret S       the secret Payout Callbacks are signed with (X-Payout-Signature); repeat
                            while rotating one (default: $PAYOUTS_CALLBACK_SECRET, else ${DEFAULT_CALLBACK_SECRET})
  --tenants FILE            isolated tenants: {"tenants": [{"name", "tokens", "callback_secret", "seed_demo"}]}
  --admin-token T           turns on the admin API (/_sandbox/tenants/: make and drop tenants) behind
                            this bearer token (default: $PAYOUTS_ADMIN_TOKEN; off without one)
  --seed-demo               demo payouts in every status, into an empty database
  --no-validate-responses   skip checking each answer against the spec (faster)
  --quiet                   no line per request`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      db: { type: 'string' },
      token: { type: 'string', multiple: true },
      'callback-secret': { type: 'string', multiple: true },
      tenants: { type: 'string' },
      'admin-token': { type: 'string' },
      'seed-demo': { type: 'boolean' },
      'no-validate-responses': { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const port = parsePort(values.port ?? DEFAULT_PORT);
  const emptyToken = values.token?.find((t) => !/^\S+$/.test(t));
  if (emptyToken !== undefined) throw new UsageError(`--token "${emptyToken}" must be one word with no spaces`);
  const fromEnvironment = process.env.PAYOUTS_CALLBACK_SECRET;
  const callbackSecrets = values['callback-secret'] ?? (fromEnvironment ? [fromEnvironment] : undefined);
  if (callbackSecrets?.some((secret) => secret === '')) throw new UsageError('--callback-secret may not be empty');
  const tenants = values.tenants === undefined ? undefined : readTenantsFile(values.tenants);
  const adminToken = values['admin-token'] ?? (process.env.PAYOUTS_ADMIN_TOKEN || undefined);

  const sandbox = await startSandbox({
    port,
    host: values.host ?? '127.0.0.1',
    db: values.db,
    tokens: values.token,
    callbackSecrets,
    tenants,
    adminToken,
    seedDemo: values['seed-demo'],
    validateResponses: !values['no-validate-responses'],
    logRequests: !values.quiet,
    log: (line) => console.error(line),
  });
  const banner = [
    `Payouts sandbox listening on ${sandbox.url}`,
    `  data: ${values.db ? `${sandbox.database} (${isPostgresUrl(values.db) ? 'PostgreSQL' : 'SQLite'}, kept)` : 'in memory (gone on exit; --db FILE keeps it)'}`,
  ];
  if (sandbox.tokens.length > 0) {
    banner.push(
      `  tokens: ${sandbox.tokens.map((t) => `"Authorization: Bearer ${t}"`).join(', ')}`,
      callbackSecrets
        ? `  callbacks: signed with the given secret${callbackSecrets.length > 1 ? 's' : ''} (X-Payout-Signature)`
        : `  callbacks: signed with the development secret "${DEFAULT_CALLBACK_SECRET}" (X-Payout-Signature; signCallback in @payouts/callbacks)`,
    );
  }
  if (tenants?.length) banner.push(`  tenants: ${tenants.map((t) => t.name).join(', ')} (from ${values.tenants})`);
  if (adminToken) banner.push(`  admin: POST ${sandbox.url}/_sandbox/tenants/ makes a tenant (admin token required)`);
  if (values['seed-demo']) {
    banner.push(
      sandbox.demoPayouts > 0
        ? `  demo: ${sandbox.demoPayouts} payouts in every status`
        : '  demo: skipped, the database already holds payouts',
    );
  }
  const token = sandbox.tokens[0] ?? tenants?.[0]?.tokens[0] ?? '<a tenant token>';
  banner.push(`  try: curl -H "Authorization: Bearer ${token}" ${sandbox.url}/v1/lms/payouts/`);
  await new Promise<void>((resolve) => {
    const stop = () => void sandbox.stop().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // Printed once the handlers are set: a caller that read the banner can stop the sandbox cleanly.
    console.log(banner.join('\n'));
  });
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`sandbox: ${(error as Error).message}${isUsageError(error) ? `\n\n${USAGE}` : ''}`);
  process.exitCode = 2;
}
