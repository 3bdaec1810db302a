// Payout Callback is the provider's call, authenticated by its signature (X-Payout-Signature),
// never by a caller's bearer token. Every refusal is a 401 naming the problem, and changes nothing.
import { signCallback } from '@payouts/callbacks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSandbox } from './test-support/process.js';
import { CALLBACK_SECRET, call, initiatedPayout, payout, startTestSandbox, type TestSandbox, TOKEN } from './testing.js';
import type { Payout } from './types.js';

const CALLBACK = '/v1/lms/payouts/callback/';
const now = () => Math.floor(Date.now() / 1000);

describe('signed callbacks', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox({ callbackSecrets: [CALLBACK_SECRET, 'next-secret'] });
  });
  afterAll(() => sandbox.dispose());

  /** Sends a success callback for a fresh initiated payout with these headers; answers the refusal and the payout after it. */
  const attempt = async (signature: (raw: string) => string | undefined, options: { token?: string | null } = {}) => {
    const initiated = await initiatedPayout(sandbox);
    const raw = JSON.stringify({ payout_service_id: initiated.payout_service_id, status: 'processed', utr: 'FORGED', processed_at: now() });
    const header = signature(raw);
    const answer = await sandbox.call('POST', CALLBACK, {
      raw,
      token: options.token ?? null,
      callbackSecret: null,
      headers: { 'content-type': 'application/json', ...(header === undefined ? {} : { 'X-Payout-Signature': header }) },
    });
    return { answer, after: await payout(sandbox, initiated.id) };
  };

  it('settles a payout on a callback signed with the secret, and takes no bearer token for it', async () => {
    const { answer, after } = await attempt((raw) => signCallback(raw, CALLBACK_SECRET));
    expect(answer.status).toBe(200);
    expect(after).toMatchObject({ status: 'processed', utr: 'FORGED' });
  });

  it('accepts either secret while one is rotated, and a header with one v1 per secret', async () => {
    expect((await attempt((raw) => signCallback(raw, 'next-secret'))).answer.status).toBe(200);
    expect((await attempt((raw) => signCallback(raw, ['retired-secret', 'next-secret']))).answer.status).toBe(200);
  });

  it.each([
    ['a caller bearer token and no signature (the forged settlement)', () => undefined, TOKEN, 'X-Payout-Signature is missing'],
    ['no signature at all', () => undefined, null, 'X-Payout-Signature is missing'],
    ['a malformed signature', () => 'sha256=abc', null, 'is malformed: expected t=<unix seconds>,v1=<hex HMAC-SHA256>'],
    ['a signature made with another secret', (raw: string) => signCallback(raw, 'guessed-secret'), null, 'does not match the body'],
    [
      'a signature of another body',
      (raw: string) => signCallback(raw.replace('FORGED', 'SIGNED'), CALLBACK_SECRET),
      null,
      'does not match the body',
    ],
    ['a signature 301 s old', (raw: string) => signCallback(raw, CALLBACK_SECRET, now() - 301), null, 's old; at most 300 s'],
    ['a signature from 10 minutes ahead', (raw: string) => signCallback(raw, CALLBACK_SECRET, now() + 600), null, 's in the future'],
  ])('refuses %s with a 401 naming the problem, and changes nothing', async (_, signature, token, reason) => {
    const { answer, after } = await attempt(signature, { token });
    expect(answer.status).toBe(401);
    expect(answer.body.detail).toContain(reason);
    expect(after).toMatchObject({ status: 'initiated', utr: null });
  });

  it('checks the signature before reading the body: an unsigned malformed body is a 401, a signed one a 400', async () => {
    const raw = '{"payout_service_id": ';
    const headers = { 'content-type': 'application/json' };
    const unsigned = await call(sandbox.url, 'POST', CALLBACK, { raw, headers, callbackSecret: null });
    expect(unsigned.status).toBe(401);
    const signed = await call(sandbox.url, 'POST', CALLBACK, {
      raw,
      headers: { ...headers, 'X-Payout-Signature': signCallback(raw, CALLBACK_SECRET) },
    });
    expect(signed.status).toBe(400);
    expect(signed.body.non_field_errors[0]).toMatch(/^JSON parse error/);
  });

  it('signs over the bytes as sent: a body that is not ASCII verifies byte for byte', async () => {
    const initiated = await initiatedPayout(sandbox);
    const raw = JSON.stringify({ payout_service_id: initiated.payout_service_id, status: 'failed', failed_remark: 'Compte clôturé ✓' });
    const answer = await sandbox.call<Payout>('POST', CALLBACK, { raw, headers: { 'content-type': 'application/json' } });
    expect(answer.status).toBe(200);
    expect(answer.body.failed_remark).toBe('Compte clôturé ✓');
  });
});

describe('pnpm sandbox and its callback secret', () => {
  it('takes the secret from PAYOUTS_CALLBACK_SECRET, and --callback-secret over it', async () => {
    const fromEnvironment = await spawnSandbox(['--port', '0', '--token', TOKEN, '--quiet'], { PAYOUTS_CALLBACK_SECRET: 'env-secret' });
    const fromFlag = await spawnSandbox(['--port', '0', '--token', TOKEN, '--callback-secret', 'flag-secret', '--quiet'], {
      PAYOUTS_CALLBACK_SECRET: 'env-secret',
    });
    try {
      expect(fromEnvironment.output()).toContain('callbacks: signed with the given secret (X-Payout-Signature)');
      expect(fromEnvironment.output()).not.toContain('env-secret');
      const send = async (target: typeof fromFlag, secret: string) => {
        const initiated = await initiatedPayout(target);
        return target.call('POST', CALLBACK, {
          body: { payout_service_id: initiated.payout_service_id, status: 'failed', failed_remark: 'x' },
          callbackSecret: secret,
        });
      };
      expect((await send(fromEnvironment, 'env-secret')).status).toBe(200);
      expect((await send(fromFlag, 'env-secret')).status).toBe(401);
      expect((await send(fromFlag, 'flag-secret')).status).toBe(200);
    } finally {
      await fromEnvironment.stop();
      await fromFlag.stop();
    }
  });

  it('prints the development secret when none is given, so a person can sign a callback', async () => {
    const sandbox = await spawnSandbox(['--port', '0', '--quiet'], { PAYOUTS_CALLBACK_SECRET: '' });
    try {
      expect(sandbox.output()).toContain('callbacks: signed with the development secret "sandbox-dev-callback-secret"');
    } finally {
      await sandbox.stop();
    }
  });
});
