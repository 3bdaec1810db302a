// Consumer test suites as other teams write them, with pact-js (`@pact-foundation/pact`), for the
// tests of this package and of `pnpm spec:diff --contracts`: each suite calls pact-js's mock
// server exactly as the consumer's code would, and pact-js writes the pact file. Four consumers:
// - loan-service (Pact v4): creates payouts, lists the failed ones, reads `utr` and `status`;
// - collections-app (Pact v3): lists unmatched payouts of a loan, reads `debit_bank.ifsc`;
// - ledger-sync (Pact v2): lists payouts with their ledger record expanded;
// - reporting-job (Pact v4): wrong from the start: a filter the API does not have, a field it never sends.
import { MatchersV2, MatchersV3, PactV2, PactV3, PactV4, SpecificationVersion } from '@pact-foundation/pact';

const PROVIDER = 'payouts-api';
const BEARER = 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl';
const ID = 'c41d6e2a-8b3f-4d5e-9a7c-1f2e3d4c5b6a';
const LOAN = '0f1e2d3c-4b5a-4697-8877-665544332211';
const CREATE = {
  loan: LOAN,
  account: '5e4d3c2b-1a09-4f8e-8d7c-6b5a49382716',
  type: 'disbursement',
  amount: 250000,
  method: 'neft',
  payout_to: 'borrower',
  credit_bank_id: '9d3b7a1e-2f4c-4b8a-9e6d-5c0f1a2b3c4d',
};

// pact-js reports to its makers unless told not to; nothing here leaves loopback.
process.env.PACT_DO_NOT_TRACK = 'true';

/** The consumers `writeExamplePacts` writes, by name. */
export const EXAMPLE_CONSUMERS = ['collections-app', 'ledger-sync', 'loan-service', 'reporting-job'] as const;

/** Runs each example consumer's pact-js suite, writing one pact file per consumer into `dir`. */
export async function writeExamplePacts(dir: string): Promise<void> {
  // One after another: pact-js's core keeps one log sink per process.
  await loanService(dir);
  await collectionsApp(dir);
  await ledgerSync(dir);
  await reportingJob(dir);
}

async function loanService(dir: string): Promise<void> {
  const { like, eachLike, integer, regex } = MatchersV3;
  const pact = new PactV4({ consumer: 'loan-service', provider: PROVIDER, dir, logLevel: 'error' });
  await pact
    .addInteraction()
    .given('a verified beneficiary account')
    .uponReceiving('creates a disbursement')
    .withRequest('POST', '/v1/lms/payouts/', (b) =>
      b.headers({ Authorization: BEARER, 'Idempotency-Key': 'loan-service-7c1f', 'Content-Type': 'application/json' }).jsonBody(CREATE),
    )
    .willRespondWith(201, (b) =>
      b.jsonBody({ id: like(ID), amount: integer(250000), status: regex('^(pending|initiated|processed|failed)$', 'pending') }),
    )
    .executeTest((server) =>
      call(server.url, 'POST', '/v1/lms/payouts/', { 'Idempotency-Key': 'loan-service-7c1f', 'Content-Type': 'application/json' }, CREATE),
    );
  await pact
    .addInteraction()
    .given('a failed payout')
    .uponReceiving('lists the failed payouts')
    .withRequest('GET', '/v1/lms/payouts/', (b) => b.headers({ Authorization: BEARER }).query({ status: 'failed' }))
    .willRespondWith(200, (b) =>
      b.jsonBody({
        count: integer(1),
        results: eachLike({ id: like(ID), status: like('failed'), utr: like('UTIB0000123'), failed_remark: like('account closed') }),
      }),
    )
    .executeTest((server) => call(server.url, 'GET', '/v1/lms/payouts/?status=failed'));
}

async function collectionsApp(dir: string): Promise<void> {
  const { like, eachLike, integer, decimal } = MatchersV3;
  const pact = new PactV3({
    consumer: 'collections-app',
    provider: PROVIDER,
    dir,
    logLevel: 'error',
    spec: SpecificationVersion.SPECIFICATION_VERSION_V3,
  });
  pact
    .given('a processed payout with no statement line')
    .uponReceiving("lists a loan's unmatched payouts")
    .withRequest({ method: 'GET', path: '/v1/lms/payouts/unmatched/', query: { loan: LOAN }, headers: { Authorization: BEARER } })
    .willRespondWith({
      status: 200,
      body: {
        count: integer(1),
        results: eachLike({
          id: like(ID),
          amount: integer(120000),
          processed_at: integer(1732500000),
          created_at: decimal(1732438800.25),
          debit_bank: { ifsc: like('HDFC0000123') },
        }),
      },
    });
  await pact.executeTest((server) => call(server.url, 'GET', `/v1/lms/payouts/unmatched/?loan=${LOAN}`));
}

async function ledgerSync(dir: string): Promise<void> {
  const { like, eachLike } = MatchersV2;
  const pact = new PactV2({ consumer: 'ledger-sync', provider: PROVIDER, dir, logLevel: 'error', spec: 2 });
  await pact.setup();
  await pact.addInteraction({
    state: 'a payout with a ledger record',
    uponReceiving: 'lists payouts with their ledger records',
    withRequest: { method: 'GET', path: '/v1/lms/payouts/', query: { expand: 'record' }, headers: { Authorization: BEARER } },
    willRespondWith: { status: 200, body: { count: like(1), results: eachLike({ id: like(ID), sent_to_gl: like(true) }) } },
  });
  await call(pact.mockService.baseUrl, 'GET', '/v1/lms/payouts/?expand=record');
  await pact.verify();
  await pact.finalize();
}

async function reportingJob(dir: string): Promise<void> {
  const { like, eachLike } = MatchersV3;
  const pact = new PactV4({ consumer: 'reporting-job', provider: PROVIDER, dir, logLevel: 'error' });
  await pact
    .addInteraction()
    .uponReceiving('lists payouts in rupees')
    .withRequest('GET', '/v1/lms/payouts/', (b) => b.headers({ Authorization: BEARER }).query({ currency: 'INR' }))
    .willRespondWith(200, (b) => b.jsonBody({ results: eachLike({ id: like(ID), currency: like('INR') }) }))
    .executeTest((server) => call(server.url, 'GET', '/v1/lms/payouts/?currency=INR'));
}

async function call(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<void> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: BEARER, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await response.arrayBuffer();
}
