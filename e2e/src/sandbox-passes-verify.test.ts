// The contract verifier against the sandbox, as CI runs it on a provider: every check must pass,
// on SQLite, on PostgreSQL, and as a tenant made through the admin API of a shared sandbox.
import { createRequire } from 'node:module';
import { runNode } from '@payouts/process';
import {
  CALLBACK_SECRET,
  type PostgresCluster,
  startPostgresCluster,
  startTestSandbox,
  type TestSandbox,
  TOKEN,
} from '@payouts/sandbox/testing';
import { afterAll, describe, expect, it } from 'vitest';

const VERIFY_CLI = createRequire(import.meta.url).resolve('@payouts/verify/cli');
const ADMIN_TOKEN = 'e2e-admin-token-0123456789';

let cluster: PostgresCluster | undefined;
const postgres = async () => {
  cluster ??= await startPostgresCluster();
  return cluster.createDatabase('verify');
};
const sandboxes: TestSandbox[] = [];
afterAll(async () => {
  await Promise.all(sandboxes.splice(0).map((sandbox) => sandbox.dispose()));
  await cluster?.dispose();
});

/** A sandbox to verify, and the credentials its caller (and callback sender) holds. */
type Target = () => Promise<{ url: string; token: string; callbackSecret: string }>;

const started = async (options: Parameters<typeof startTestSandbox>[0]) => {
  const sandbox = await startTestSandbox(options);
  sandboxes.push(sandbox);
  return sandbox;
};

const targets: [string, Target][] = [
  ['SQLite', async () => ({ url: (await started({ seedDemo: true })).url, token: TOKEN, callbackSecret: CALLBACK_SECRET })],
  [
    'PostgreSQL',
    async () => ({ url: (await started({ seedDemo: true, db: await postgres() })).url, token: TOKEN, callbackSecret: CALLBACK_SECRET }),
  ],
  [
    'a tenant made through the admin API, on PostgreSQL',
    async () => {
      const sandbox = await started({ db: await postgres(), tokens: [], callbackSecrets: [], adminToken: ADMIN_TOKEN });
      const made = await fetch(`${sandbox.url}/_sandbox/tenants/`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'verify-run' }),
      });
      expect(made.status).toBe(201);
      const tenant = (await made.json()) as { token: string; callback_secret: string };
      return { url: sandbox.url, token: tenant.token, callbackSecret: tenant.callback_secret };
    },
  ],
];

describe.each(targets)('the sandbox (%s)', (_name, target) => {
  it('passes the contract verifier with zero failures and nothing skipped', async () => {
    const { url, token, callbackSecret } = await target();
    const env = { PAYOUTS_TOKEN: token, PAYOUTS_CALLBACK_SECRET: callbackSecret };
    const { code, output } = await runNode([VERIFY_CLI, '--base-url', url], { env });
    expect(output).toMatch(/PASS: \d+ passed, 0 failed, \d+ requests/);
    expect(output).not.toMatch(/skipped/i);
    expect(code, output).toBe(0);
  });
});
