// The docs page's shell samples, pasted as a reader would, work against the sandbox: the one for
// Payout Callback signs its body with openssl exactly as the spec's callbackSignature scheme says.
import { codeSamplesFor } from '@payouts/docs';
import { run } from '@payouts/process';
import { CALLBACK_SECRET, initiatedPayout, payout, startTestSandbox, type TestSandbox, TOKEN } from '@payouts/sandbox/testing';
import { loadSpec } from '@payouts/spec';
import { afterAll, beforeAll, expect, it } from 'vitest';

const spec = loadSpec();
const SERVER = 'https://preprod.api.crego.io';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox?.dispose());

/** The operation's curl sample aimed at the sandbox, run by sh; answers the status and body curl printed. */
async function runCurlSample(operationId: string, env: Record<string, string>, edit = (source: string) => source) {
  const curl = codeSamplesFor(spec, spec.operation(operationId)).find((sample) => sample.label === 'curl')!.source;
  const script = `${edit(curl.replace(SERVER, sandbox.url))} --silent --show-error --write-out '\\n%{http_code}'`;
  const { code, stdout, stderr } = await run('sh', ['-c', script], { env, timeoutMs: 15_000 });
  expect(code, stderr).toBe(0);
  const newline = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(newline + 1)), body: JSON.parse(stdout.slice(0, newline)) };
}

it('List Payouts: the sample with the token in CREGO_TOKEN answers the first page', async () => {
  const answer = await runCurlSample('listPayouts', { CREGO_TOKEN: TOKEN });
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({ current_page: 1 });
});

it('Payout Callback: the sample signs with PAYOUTS_CALLBACK_SECRET and settles the payout; another secret is a 401', async () => {
  const initiated = await initiatedPayout(sandbox);
  const forThisPayout = (source: string) => source.replace('HDFC-NEFT-230827-0042', initiated.payout_service_id!);

  const forged = await runCurlSample('receivePayoutCallback', { PAYOUTS_CALLBACK_SECRET: 'not-the-secret' }, forThisPayout);
  expect(forged.status).toBe(401);
  expect(forged.body.detail).toContain('X-Payout-Signature does not match the body');
  expect((await payout(sandbox, initiated.id)).status).toBe('initiated');

  const signed = await runCurlSample('receivePayoutCallback', { PAYOUTS_CALLBACK_SECRET: CALLBACK_SECRET }, forThisPayout);
  expect(signed.status).toBe(200);
  expect(signed.body).toMatchObject({ id: initiated.id, status: 'processed', utr: '123123123123123' });
});
