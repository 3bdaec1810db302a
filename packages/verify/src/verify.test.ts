// The proof: the real sandbox passes every check, and each broken provider of BUGS (the same
// sandbox behind a proxy that injects one realistic bug) is caught, naming operation and field.
import { startSandbox } from '@payouts/sandbox';
import { loadSpec } from '@payouts/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Check, renderText } from './report.js';
import { BUGS, type Bug, startBugProxy } from './test-support/bug-proxy.js';
import { verifyProvider } from './verify.js';

const TOKEN = 'verify-test-token';
const CALLBACK_SECRET = 'verify-test-callback-secret';
let sandbox: { url: string; stop(): Promise<void> };

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, tokens: [TOKEN], callbackSecrets: [CALLBACK_SECRET] });
});
afterAll(async () => {
  await sandbox?.stop();
});

const failuresOf = (checks: Check[]) => checks.filter((c) => !c.passed);

describe('against the sandbox (a conforming provider)', () => {
  it('passes every check, with every operation and every kind of check exercised', async () => {
    const report = await verifyProvider({ baseUrl: sandbox.url, token: TOKEN, callbackSecret: CALLBACK_SECRET });
    expect(failuresOf(report.checks), renderText(report)).toEqual([]);
    expect(report.failed).toBe(0);
    expect(report.skipped).toEqual([]);
    const operations = new Set(report.checks.map((c) => c.operationId));
    expect([...operations].sort()).toEqual(
      loadSpec()
        .operations.map((operation) => operation.operationId)
        .sort(),
    );
    const names = report.checks.map((c) => `${c.operationId} ${c.name}`);
    // one of each kind: auth, example request, lifecycle, invalid input of each sort
    for (const expected of [
      'listPayouts no-token: $statusCode == 401',
      'exportPayoutsForBank wrong-token: $statusCode == 401',
      'listUnmatchedPayouts example: answer matches the spec',
      'createPayout replay-create: $response.body#/id == $steps.create.outputs.id',
      'receivePayoutCallback same-callback-again: $response.body#/updated_at == $steps.callback-failed.outputs.updated_at',
      'retryFailedPayout retry-again: $statusCode == 409',
      'createPayout body.amount: required field removed is rejected',
      'createPayout body.method: unknown enum value "not-a-method" is rejected',
      'processPayout body.processed_at: wrong type (string where integer is expected) is rejected',
      'retryFailedPayout path.id: malformed UUID is rejected',
      'listPayouts query.page_size: above maximum 100 is rejected',
      "receivePayoutCallback header X-Payout-Signature: unsigned, with a caller's bearer token is refused",
      'receivePayoutCallback header X-Payout-Signature: signed 360 s ago is refused',
      'receivePayoutCallback body.utr: required field removed is rejected',
      'receivePayoutCallback idempotent replay: the same Idempotency-Key answers the first answer',
    ]) {
      expect(names).toContain(expected);
    }
    expect(report.requests).toBeGreaterThan(report.checks.length / 3);
  });

  it('checks only one operation with `only`', async () => {
    const report = await verifyProvider({ baseUrl: sandbox.url, token: TOKEN, callbackSecret: CALLBACK_SECRET, only: 'retryFailedPayout' });
    expect(report.failed, renderText(report)).toBe(0);
    expect(new Set(report.checks.map((c) => c.operationId))).toEqual(new Set(['retryFailedPayout']));
    expect(report.checks.length).toBeGreaterThan(5);
  });

  it('rejects an operation the spec does not have, naming the known ones', async () => {
    await expect(verifyProvider({ baseUrl: sandbox.url, token: TOKEN, only: 'deletePayout' })).rejects.toThrow(
      /no operation "deletePayout".*listPayouts/,
    );
  });

  it('stops with one clear error when the provider rejects the token', async () => {
    await expect(verifyProvider({ baseUrl: sandbox.url, token: 'not-a-token-the-sandbox-knows' })).rejects.toThrow(
      'the provider rejects the token: GET /v1/lms/payouts/ answered 401 (check the token)',
    );
  });
});

// Each bug, and where the report must say it is: the operation and the field.
// `shows` is what expected-vs-got says about it.
const CAUGHT: Record<Bug, { operationId: string; field: RegExp; shows: RegExp }> = {
  'wrong-type': { operationId: 'createPayout', field: /\bamount\b/, shows: /amount must be integer \(got "120000"\)/ },
  'missing-field': { operationId: 'createPayout', field: /\bis_imported\b/, shows: /is_imported is required but missing/ },
  'nullable-made-non-null': { operationId: 'createPayout', field: /^utr$/, shows: /utr = "" \(201 application\/json\)/ },
  'server-error-on-bad-input': {
    operationId: 'createPayout',
    field: /^body\.credit_bank_id$/,
    shows: /^500 application\/json[\s\S]*server error 500/,
  },
  'text-plain-error': {
    operationId: 'createPayout',
    field: /^body\.amount$/,
    shows: /content type "text\/plain" is not documented for 400/,
  },
  'bad-input-accepted': {
    operationId: 'listPayouts',
    field: /^query\.page_size$/,
    shows: /^200 application\/json\nthe invalid input was accepted/,
  },
  'auth-ignored': { operationId: 'listPayouts', field: /^header Authorization$/, shows: /^200 application\/json/ },
  'wrong-transition-accepted': { operationId: 'processPayout', field: /^status$/, shows: /^200 application\/json, status = "processed"/ },
  'huge-number-accepted': {
    operationId: 'createPayout',
    field: /^body\.amount$/,
    shows: /^201 application\/json\nthe invalid input was accepted/,
  },
  'hex-query-accepted': {
    operationId: 'listPayouts',
    field: /^query\.page$/,
    shows: /^200 application\/json\nthe invalid input was accepted/,
  },
  'unknown-id-answered': {
    operationId: 'retryFailedPayout',
    field: /^path\.id$/,
    shows: /^200 application\/json[\s\S]*an id no payout has was answered/,
  },
  'milliseconds-in-answers': { operationId: 'createPayout', field: /^created_at$/, shows: /created_at must be <= 10000000000/ },
  'replay-ignored': { operationId: 'createPayout', field: /^header Idempotency-Key$/, shows: /^201, another body/ },
  'signature-ignored': {
    operationId: 'receivePayoutCallback',
    field: /^header X-Payout-Signature$/,
    shows: /^200 application\/json, payout failed\n[\s\S]*a callback the provider did not sign was acted on/,
  },
  'stale-signature-accepted': {
    operationId: 'receivePayoutCallback',
    field: /^header X-Payout-Signature$/,
    shows: /^200 application\/json, payout failed/,
  },
  'reversal-of-unpaid-accepted': {
    operationId: 'receivePayoutCallback',
    field: /^status$/,
    shows: /^200 application\/json, status = "reversed"/,
  },
  'reversal-answered-stale': {
    operationId: 'receivePayoutCallback',
    field: /^status$/,
    shows: /^status = "processed" \(200 application\/json\)/,
  },
  'milliseconds-accepted': {
    operationId: 'processPayout',
    field: /^body\.processed_at$/,
    shows: /^200 application\/json\nthe invalid input was accepted/,
  },
};

describe.each(Object.keys(BUGS) as Bug[])('against a provider whose %s', (bug) => {
  it(`catches it (${BUGS[bug]}), naming the operation and the field`, async () => {
    const proxy = await startBugProxy(sandbox.url, bug, TOKEN, CALLBACK_SECRET);
    try {
      const report = await verifyProvider({ baseUrl: proxy.url, token: TOKEN, callbackSecret: CALLBACK_SECRET });
      const { operationId, field, shows } = CAUGHT[bug];
      const failures = failuresOf(report.checks);
      expect(failures.length).toBeGreaterThan(0);
      const caught = failures.filter((c) => c.operationId === operationId && field.test(c.field ?? ''));
      expect(caught, renderText(report)).not.toEqual([]);
      expect(caught.map((c) => [c.got, ...(c.details ?? [])].join('\n'))).toContainEqual(expect.stringMatching(shows));
      expect(caught[0]?.curl).toMatch(/^curl -i -X /);
      // and a person reading the text report sees the same
      const text = renderText(report);
      expect(text).toMatch(new RegExp(`✗ ${operationId}: \\d+/\\d+ checks passed`));
      expect(text).toMatch(/^FAIL: \d+ passed, [1-9]\d* failed/m);
    } finally {
      await proxy.stop();
    }
  });
});
