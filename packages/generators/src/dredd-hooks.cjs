// Dredd's hooks for the sandbox, for what the API decided and Dredd cannot know: the bearer token
// on every request, the callback's X-Payout-Signature over the exact body sent, and the state an
// example request needs (an exported payout to mark processed or to settle, a failed one to
// retry, pending ones to export), made through the API itself before the transaction. A 401 is
// asked for by sending no credential. Every transaction's outcome goes to DREDD_RESULTS (JSON).
// CommonJS: Dredd requires its hook files.
const { randomUUID } = require('node:crypto');
const { writeFileSync } = require('node:fs');
const hooks = require('hooks');

const BASE = process.env.DREDD_SANDBOX_URL;
const TOKEN = process.env.DREDD_TOKEN;
const SECRET = process.env.DREDD_CALLBACK_SECRET;
const PAYOUTS = '/v1/lms/payouts/';
// The spec's own example requests: the records they name are the sandbox's.
const spec = require('@payouts/spec/openapi.json');
const exampleBody = (path, method) => {
  const media = spec.paths[path][method].requestBody.content['application/json'];
  return structuredClone(media.example ?? Object.values(media.examples)[0].value);
};
const NEW_PAYOUT = exampleBody(PAYOUTS, 'post');
const DEBIT_BANK = exampleBody(`${PAYOUTS}export/`, 'put').debit_bank_id;
const results = [];

/** @type {(body: string, secret: string) => string} `@payouts/callbacks`' signCallback, loaded before the first transaction (it is ESM). */
let signCallback;
const sign = (body) => signCallback(body, SECRET);

hooks.beforeAll((_transactions, done) => {
  import('@payouts/callbacks').then((callbacks) => {
    signCallback = callbacks.signCallback;
    done();
  }, done);
});

/** A call to the sandbox: with the bearer token, or (the callback) signed. */
async function api(method, path, body, { signed = false } = {}) {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const credential = signed ? { 'x-payout-signature': sign(text) } : { authorization: `Bearer ${TOKEN}` };
  const answer = await fetch(`${BASE}${path}`, { method, headers: { 'content-type': 'application/json', ...credential }, body: text });
  const read = await answer.text();
  if (!answer.ok) throw new Error(`${method} ${path} answered ${answer.status}: ${read}`);
  return (answer.headers.get('content-type') ?? '').includes('json') ? JSON.parse(read) : read;
}

const created = () => api('POST', PAYOUTS, NEW_PAYOUT);
async function exported() {
  const payout = await created();
  await api('PUT', `${PAYOUTS}export/`, { debit_bank_id: DEBIT_BANK, payout_ids: [payout.id] });
  const page = await api('GET', `${PAYOUTS}?status=initiated&page_size=100`);
  return page.results.find((each) => each.id === payout.id);
}
async function failed() {
  const payout = await exported();
  await api(
    'POST',
    `${PAYOUTS}callback/`,
    { payout_service_id: payout.payout_service_id, status: 'failed', failed_remark: 'Beneficiary account closed' },
    { signed: true },
  );
  return payout;
}

const isSuccess = (transaction) => /^2\d\d$/.test(transaction.expected.statusCode);
const withPath = (transaction, path) => {
  transaction.fullPath = path;
  transaction.request.uri = path;
};

/** What each operation's success needs, made before Dredd sends its example request. */
const PREPARE = {
  'Process Payout': async (transaction) => {
    const payout = await exported();
    withPath(transaction, transaction.fullPath.replace(/payouts\/[^/]+\/mark_processed/, `payouts/${payout.id}/mark_processed`));
  },
  'Retry Failed Payout': async (transaction) => {
    const payout = await failed();
    withPath(transaction, transaction.fullPath.replace(/payouts\/[^/]+\/retry/, `payouts/${payout.id}/retry`));
  },
  'Payout Callback': async (transaction) => {
    const payout = await exported();
    transaction.request.body = JSON.stringify({ ...JSON.parse(transaction.request.body), payout_service_id: payout.payout_service_id });
  },
  'Export Payout for Bank': async (transaction) => {
    const payouts = [await created(), await created()];
    transaction.request.body = JSON.stringify({ ...JSON.parse(transaction.request.body), payout_ids: payouts.map((p) => p.id) });
  },
};

hooks.beforeEach((transaction, done) => {
  const [, operation, status] = transaction.name.split(' > ');
  if (!isSuccess(transaction) && status !== '401') {
    // Dredd sends the operation's example request, which the contract answers with success: a 400,
    // 403, 404, 409 or 415 example needs a request of its own, which Dredd does not have.
    transaction.skip = true;
    return done();
  }
  const signed = operation === 'Payout Callback';
  const prepare = isSuccess(transaction) ? PREPARE[operation] : undefined;
  Promise.resolve(prepare?.(transaction))
    .then(() => {
      // A key names one request: the example's, sent by every change, would replay the first one.
      if ('Idempotency-Key' in transaction.request.headers) transaction.request.headers['Idempotency-Key'] = randomUUID();
      if (status === '401') return; // no credential: the 401 is what is asked for
      if (signed) transaction.request.headers['X-Payout-Signature'] = sign(transaction.request.body);
      else transaction.request.headers.Authorization = `Bearer ${TOKEN}`;
    })
    .then(
      () => done(),
      (error) => {
        transaction.fail = `could not prepare: ${error.message}`;
        done();
      },
    );
});

// Dredd compares Content-Type as a string, and `application/json; charset=utf-8` is
// `application/json` (RFC 8259 defines no charset for it, and says adding one has no effect).
hooks.beforeEachValidation((transaction, done) => {
  const type = transaction.real.headers['content-type'];
  if (typeof type === 'string')
    transaction.real.headers['content-type'] = type.replace(/^application\/json; charset=utf-8$/i, 'application/json');
  done();
});

hooks.afterEach((transaction, done) => {
  results.push({
    name: transaction.name,
    status: transaction.test?.status ?? (transaction.skip ? 'skip' : 'unknown'),
    message: transaction.test?.message ?? '',
  });
  done();
});

hooks.afterAll((_transactions, done) => {
  writeFileSync(process.env.DREDD_RESULTS, JSON.stringify(results, null, 2));
  done();
});
