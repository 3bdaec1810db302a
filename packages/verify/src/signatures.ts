// Signed callbacks, on any provider: a Payout Callback that is unsigned (whatever bearer token
// comes with it), malformed, signed with another secret, signed for another body, or signed too
// long ago must answer 401, in the documented error shape, and change nothing. Without the
// provider's callback secret only the first three can be sent (a stale signature made with the
// wrong secret would prove nothing); the others are reported as skipped.
import { signCallback, TOLERANCE_SECONDS } from '@payouts/callbacks';
import type { Json, Operation, SpecModel } from '@payouts/model';
import { conformance, describeAnswer } from './conformance.js';
import { buildRequest, curlLine, type Exchange, type SentRequest, send, signatureHeaderOf } from './http.js';
import { PayoutMaker } from './payouts.js';
import type { Check } from './report.js';
import type { CheckSuite, SuiteResult, VerifyContext } from './suite.js';

/** Never the provider's: a secret verify makes up to sign with. */
const GUESSED_SECRET = 'payouts-verify-guessed-secret';

interface Forgery {
  name: string;
  /** The signature header to send (undefined: none), given the body as sent. */
  sign(raw: string, secret: string | undefined): string | undefined;
  /** Whether it needs the real secret to mean anything. */
  needsSecret?: boolean;
  /** The body actually sent, when it differs from the one signed. */
  tamper?: (raw: string) => string;
}

const now = () => Math.floor(Date.now() / 1000);

const FORGERIES: Forgery[] = [
  { name: "unsigned, with a caller's bearer token", sign: () => undefined },
  { name: 'malformed signature', sign: () => 'sha256=0123456789abcdef' },
  { name: 'signed with another secret', sign: (raw) => signCallback(raw, GUESSED_SECRET) },
  {
    name: 'signed for another body',
    needsSecret: true,
    sign: (raw, secret) => signCallback(raw, secret!),
    tamper: (raw) => raw.replace('"failed"', '"processed"').replace(/"failed_remark":"[^"]*"/, '"utr":"FORGED"'),
  },
  {
    name: `signed ${TOLERANCE_SECONDS + 60} s ago`,
    needsSecret: true,
    sign: (raw, secret) => signCallback(raw, secret!, now() - TOLERANCE_SECONDS - 60),
  },
];

export const signatureSuite: CheckSuite = { name: 'signed callbacks', run: checkSignatures };

async function checkSignatures({ spec, baseUrl, credentials, only }: VerifyContext): Promise<SuiteResult> {
  const signed = spec.operations.filter((op) => signatureHeaderOf(op) && (!only || op.operationId === only));
  const checks: Check[] = [];
  const skipped: string[] = [];
  const payouts = new PayoutMaker(spec, baseUrl, credentials);
  let requests = 0;
  for (const op of signed) {
    const header = signatureHeaderOf(op)!;
    const target = await payouts.initiated();
    for (const forgery of FORGERIES) {
      if (forgery.needsSecret && !credentials.callbackSecret) {
        skipped.push(`${op.operationId}: ${forgery.name} is refused (needs the provider's callback secret)`);
        continue;
      }
      const body: Json = {
        payout_service_id: target?.payout_service_id ?? 'payouts-verify-no-reference',
        status: 'failed',
        failed_remark: 'payouts-verify: forged callback',
      };
      const request = buildRequest(baseUrl, { token: credentials.token }, op, {}, {}, body);
      const raw = request.body ?? '';
      const signature = forgery.sign(raw, credentials.callbackSecret);
      if (signature !== undefined) request.headers[header.toLowerCase()] = signature;
      request.headers.authorization = `Bearer ${credentials.token}`;
      if (forgery.tamper) request.body = forgery.tamper(raw);
      const exchange = await send(request);
      const after = target && (await payouts.find(target.id, target.loan));
      requests += 1;
      checks.push(judge(spec, op, header, forgery.name, exchange, target?.status, after?.status, credentials.token));
    }
  }
  return { checks, requests: requests + payouts.requests, skipped };
}

function judge(
  spec: SpecModel,
  op: Operation,
  header: string,
  forgery: string,
  exchange: Exchange,
  before: string | undefined,
  after: string | undefined,
  token: string,
): Check {
  const { problems, lines } = conformance(spec, op, exchange);
  const details = [...lines];
  if (exchange.status !== 401)
    details.unshift(exchange.status < 300 ? 'a callback the provider did not sign was acted on' : `answered ${exchange.status}, not 401`);
  const unchanged = before === after;
  if (!unchanged) details.push(`the payout went from ${before} to ${after}`);
  return {
    operationId: op.operationId,
    name: `header ${header}: ${forgery} is refused`,
    field: `header ${header}`,
    source: { kind: 'verify', suite: 'signed callbacks' },
    passed: exchange.status === 401 && problems.length === 0 && unchanged,
    expected: '401 with the documented error body, and the payout unchanged',
    got: `${describeAnswer(exchange)}${unchanged ? '' : `, payout ${after}`}`,
    details,
    curl: curlLine(exchange.request as SentRequest, token),
  };
}
