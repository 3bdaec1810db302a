// Passive mode for real: `pnpm verify proxy` (the built CLI, which runs Prism's proxy) in front of
// the sandbox, then in front of a broken one; the client sees every answer that breaks the spec.
import { fileURLToPath } from 'node:url';
import { runNode, startProcess } from '@payouts/process';
import { startSandbox } from '@payouts/sandbox';
import { loadSpec } from '@payouts/spec';
import { httpRequest, rawRequest } from '@payouts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonRequest } from './spec.js';
import { startBugProxy } from './test-support/bug-proxy.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const TOKEN = 'verify-proxy-token';
const CREATE_BODY = jsonRequest(loadSpec().operation('createPayout'))?.example as Record<string, unknown>;

/** Starts `verify proxy --target`, resolves once it prints the URL it listens on. */
async function startProxyCli(target: string): Promise<{ url: string; stop(): Promise<number | null> }> {
  const proxy = await startProcess(process.execPath, [CLI, 'proxy', '--target', target], /listening on (http:\/\/127\.0\.0\.1:\d+)/);
  return { url: proxy.found, stop: async () => (await proxy.stop()).code };
}

const createPayout = (base: string, token?: string) =>
  fetch(`${base}/v1/lms/payouts/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(CREATE_BODY),
  });

let sandbox: { url: string; stop(): Promise<void> };
/** The proxy in front of the conforming sandbox, one for the tests that send it traffic (each start is a Prism). */
let good: { url: string; stop(): Promise<number | null> };
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, tokens: [TOKEN] });
  good = await startProxyCli(sandbox.url);
});
afterAll(async () => {
  await good?.stop();
  await sandbox?.stop();
});

describe('pnpm verify proxy', () => {
  it('passes conforming answers through unchanged, and turns one that breaks the spec into a 500 naming the field', async () => {
    const broken = await startBugProxy(sandbox.url, 'wrong-type', TOKEN);
    const bad = await startProxyCli(broken.url);
    try {
      const ok = await createPayout(good.url, TOKEN);
      expect(ok.status).toBe(201);
      expect(await ok.json()).toMatchObject({ status: 'pending', amount: 120000 });

      // bad input still reaches the provider, whose (documented) 400 passes through
      const invalid = await fetch(`${good.url}/v1/lms/payouts/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ ...CREATE_BODY, amount: 'lots' }),
      });
      expect(invalid.status).toBe(400);
      expect(await invalid.json()).toHaveProperty('amount');

      const violating = await createPayout(bad.url, TOKEN);
      expect(violating.status).toBe(500);
      expect(violating.headers.get('content-type')).toBe('application/problem+json');
      const problem = (await violating.json()) as { type: string; validation: { location: string[]; message: string }[] };
      expect(problem.type).toMatch(/VIOLATIONS$/);
      expect(problem.validation).toContainEqual(
        expect.objectContaining({ location: ['response', 'body', 'amount'], message: expect.stringMatching(/amount must be integer/) }),
      );
    } finally {
      expect(await bad.stop(), 'a stopped proxy exits cleanly').toBe(0);
      await broken.stop();
    }
  });

  it('sends a request without credentials to the provider itself: its documented 401 passes, serving it is a violation named as such', async () => {
    const careless = await startBugProxy(sandbox.url, 'auth-ignored', TOKEN);
    const unsigned = await startBugProxy(sandbox.url, 'signature-ignored', TOKEN);
    const bad = await startProxyCli(careless.url);
    const badCallbacks = await startProxyCli(unsigned.url);
    try {
      // The provider's own 401, not Prism's: the sandbox's JSON error body, not a problem+json.
      const refused = await createPayout(good.url);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await refused.json()).toEqual({ detail: 'Authentication credentials were not provided.' });

      const served = await createPayout(bad.url);
      expect(served.status).toBe(500);
      const problem = (await served.json()) as { validation: { location: string[]; code: string; message: string }[] };
      expect(problem.validation).toEqual([
        expect.objectContaining({
          location: ['response', 'status'],
          code: 'served-without-credentials',
          message: 'createPayout was sent without a bearer token and the provider answered 201: it must refuse such a request with 401',
        }),
      ]);

      const callback = await fetch(`${badCallbacks.url}/v1/lms/payouts/callback/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ payout_service_id: 'HDFC-NEFT-230827-0042', status: 'failed', failed_remark: 'Beneficiary account closed' }),
      });
      expect(callback.status).toBe(500);
      expect(JSON.stringify(await callback.json())).toMatch(
        /receivePayoutCallback was sent without X-Payout-Signature and the provider answered \d+: it must refuse/,
      );
    } finally {
      await Promise.all([bad.stop(), badCallbacks.stop()]);
      await Promise.all([careless.stop(), unsigned.stop()]);
    }
  });

  it('answers only its own address as Host (a DNS-rebound page gets 421), and forwards nothing else', async () => {
    const { port } = new URL(good.url);
    const rebound = await rawRequest(
      good.url,
      httpRequest({ url: good.url, method: 'GET', path: '/v1/lms/payouts/' }, { Authorization: `Bearer ${TOKEN}` }).replace(
        /Host: .*/,
        `Host: rebind.attacker.example:${port}`,
      ),
    );
    expect(rebound.status).toBe(421);
    expect((await fetch(`${good.url}/v1/lms/payouts/`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('refuses a target that is not a URL, naming it', async () => {
    const { code, stderr } = await runNode([CLI, 'proxy', '--target', 'sandbox:4020x'], { timeoutMs: 30_000 });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^verify: --target "sandbox:4020x" is not a URL/);
  });
});
