// What a forged Payout Callback costs the sandbox as the number of tenants grows (issue #27): the
// sandbox checks a signature only against the secret of the tenant whose reference the body
// quotes, so a forgery for a known reference costs about what a malformed header does, with 1
// tenant or 200. A reference no tenant has is checked against every tenant's secret (one HMAC
// each), to tell its signer a 404; that line is printed too.
//
//   pnpm --filter @payouts/sandbox bench:signatures [--tenants 200] [--requests 400]
import { signCallback } from '@payouts/callbacks';
import { benchOptions, DEBIT_BANK, newPayoutBody, request, startSandboxProcess, table } from './support.mjs';

const options = benchOptions({ tenants: 200, requests: 400 });
const ADMIN = 'bench-admin-token-000000000001';
const CALLBACK = '/v1/lms/payouts/callback/';

/** Milliseconds per request, sending `requests` of them one after another. */
async function timed(url, makeRequest) {
  for (let i = 0; i < 20; i++) await makeRequest(url); // warm up
  const started = performance.now();
  for (let i = 0; i < options.requests; i++) {
    const status = await makeRequest(url);
    if (status !== 401 && status !== 404) throw new Error(`a forged callback answered ${status}`);
  }
  return (performance.now() - started) / options.requests;
}

const post = (url, body, signature) =>
  fetch(`${url}${CALLBACK}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { 'x-payout-signature': signature } : {}) },
    body,
  }).then(async (r) => {
    await r.arrayBuffer();
    return r.status;
  });

async function measure(tenantCount) {
  const sandbox = await startSandboxProcess(['--admin-token', ADMIN]);
  try {
    const tenants = [];
    for (let i = 0; i < tenantCount; i++) {
      const made = await request(`${sandbox.url}/_sandbox/tenants/`, 'POST', { name: `bench-${i}` }, { authorization: `Bearer ${ADMIN}` });
      tenants.push(made.json());
    }
    const { token } = tenants[0];
    const payout = (await request(`${sandbox.url}/v1/lms/payouts/`, 'POST', newPayoutBody(), { authorization: `Bearer ${token}` })).json();
    const file = await request(
      `${sandbox.url}/v1/lms/payouts/export/`,
      'PUT',
      { debit_bank_id: DEBIT_BANK, payout_ids: [payout.id] },
      {
        authorization: `Bearer ${token}`,
      },
    );
    const reference = file.text.split('\r\n')[1].split(',')[1];
    const known = JSON.stringify({ payout_service_id: reference, status: 'failed', failed_remark: 'forged' });
    const unknown = JSON.stringify({ payout_service_id: 'HDFC-NEFT-230827-9999', status: 'failed', failed_remark: 'forged' });
    return {
      malformed: await timed(sandbox.url, (url) => post(url, known, 't=1,v1=nothex')),
      knownReference: await timed(sandbox.url, (url) => post(url, known, signCallback(known, 'not-the-secret'))),
      unknownReference: await timed(sandbox.url, (url) => post(url, unknown, signCallback(unknown, 'not-the-secret'))),
    };
  } finally {
    await sandbox.stop();
  }
}

const one = await measure(1);
const many = await measure(options.tenants);
const rows = [
  ['malformed header (baseline)', one.malformed, many.malformed],
  ['forged, known reference', one.knownReference, many.knownReference],
  ['forged, unknown reference', one.unknownReference, many.unknownReference],
].map(([name, a, b]) => [name, a.toFixed(3), b.toFixed(3), (b / many.malformed).toFixed(2)]);
console.log(`forged Payout Callbacks, ${options.requests} sequential requests each, ms per request`);
console.log(table(['callback', '1 tenant', `${options.tenants} tenants`, `x malformed (${options.tenants})`], rows));
