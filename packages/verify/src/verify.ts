// verifyProvider: every check against one running provider. Respect runs the Arazzo workflows
// (generated per operation, and the hand-written lifecycle; through a signing proxy that serves
// this run alone, so its callbacks carry the provider's signature) while our own code sends the invalid inputs derived
// from the schemas, the idempotent replays and the forged callbacks; all end up in one report.

import { randomUUID } from 'node:crypto';
import type { Operation, SpecModel } from '@payouts/model';
import { loadSpec } from '@payouts/spec';
import { conformance, describeAnswer } from './conformance.js';
import { buildRequest, type Credentials, curlLine, type Exchange, httpUrl, send, signatureHeaderOf } from './http.js';
import { type InvalidCase, invalidCases } from './negative.js';
import { PayoutMaker } from './payouts.js';
import { replaySuite } from './replay.js';
import { type Check, type Report, summarise } from './report.js';
import { respectSuite } from './respect.js';
import { signatureSuite } from './signatures.js';
import { startSigningProxy } from './signing-proxy.js';
import { jsonRequest, statusesOf } from './spec.js';
import type { CheckSuite, SuiteResult, VerifyContext } from './suite.js';

export interface VerifyOptions {
  /** Where the provider answers, e.g. http://127.0.0.1:4020 (the spec's paths are appended). */
  baseUrl: string;
  /** A bearer token the provider accepts. */
  token: string;
  /**
   * The secret the provider checks Payout Callback signatures with. Without it, the checks that
   * need a signed callback are skipped and listed as such.
   */
  callbackSecret?: string;
  /** Check one operation only (its operationId). */
  only?: string;
}

export async function verifyProvider(options: VerifyOptions): Promise<Report> {
  const startedAt = new Date();
  const baseUrl = httpUrl(options.baseUrl, '--base-url');
  if (!options.token) throw new Error('a bearer token is required (PAYOUTS_TOKEN)');
  const credentials: Credentials = { token: options.token, callbackSecret: options.callbackSecret || undefined };
  const spec = loadSpec();
  if (options.only) spec.operation(options.only); // fails early, naming the known operations
  await preflight(baseUrl, credentials, spec);

  const signer = await startSigningProxy(spec, baseUrl, credentials.callbackSecret);
  try {
    const context: VerifyContext = { spec, baseUrl, credentials, only: options.only, signer };
    const suites = [respectSuite, invalidInputSuite, replaySuite, signatureSuite];
    const parts = await Promise.all(suites.map((suite) => suite.run(context)));
    return summarise(
      baseUrl,
      String(spec.document.info?.version ?? ''),
      options.only,
      startedAt,
      parts.flatMap((part) => part.checks),
      parts.reduce((sum, part) => sum + part.requests, 0),
      parts.flatMap((part) => part.skipped),
    );
  } finally {
    await signer.stop();
  }
}

/**
 * One plain request first, so an unreachable provider or a token it rejects is one clear error
 * rather than a hundred failed checks.
 */
async function preflight(baseUrl: string, credentials: Credentials, spec: SpecModel): Promise<void> {
  const probe = spec.operations.find((op) => op.method === 'GET' && !op.parameters.some((p) => p.in === 'path')) ?? spec.operations[0]!;
  const request = buildRequest(baseUrl, credentials, probe, {}, {});
  let status: number;
  try {
    ({ status } = await send(request));
  } catch (error) {
    throw new Error(`cannot reach the provider at ${baseUrl}: ${(error as Error).message.replace(/^.* failed: /, '')}`);
  }
  if (status === 401) throw new Error(`the provider rejects the token: ${probe.method} ${probe.path} answered 401 (check the token)`);
}

/**
 * The invalid-input and unknown-id cases of each operation. Path ids are a real payout, exported
 * so it is `initiated`, so that a body sent to it is wrong only in the way the case makes it
 * wrong; the spec's example id when the provider cannot make one (its own checks then say why).
 */
const invalidInputSuite: CheckSuite = { name: 'invalid input and unknown ids', run: checkInvalidInputs };

async function checkInvalidInputs({ spec, baseUrl, credentials, only }: VerifyContext): Promise<SuiteResult> {
  const operations = spec.operations.filter((op) => !only || op.operationId === only);
  const skipped: string[] = [];
  const payouts = new PayoutMaker(spec, baseUrl, credentials);
  const needsPayout = operations.some((op) => op.parameters.some((p) => p.in === 'path') && op.requestBody);
  const exampleId = String(spec.operation('processPayout').parameters.find((p) => p.in === 'path')?.example ?? '');
  const made = needsPayout ? await payouts.pending() : undefined;
  if (made) await payouts.export(made.id);
  const payoutId = made?.id ?? exampleId;
  const checks: Check[] = [];
  for (const op of operations) {
    if (signatureHeaderOf(op) && !credentials.callbackSecret) {
      // Unsigned, a conforming provider refuses them all with 401 before reading the body.
      skipped.push(`${op.operationId}: invalid input and unknown ids (needs the provider's callback secret to sign them)`);
      continue;
    }
    const pathParams = Object.fromEntries(op.parameters.filter((p) => p.in === 'path').map((p) => [p.name, payoutId]));
    for (const invalid of invalidCases(spec, op, pathParams)) {
      const request = buildRequest(baseUrl, credentials, op, invalid.pathParams, invalid.query, invalid.body, invalid.rawBody);
      checks.push(judgeInvalid(spec, op, invalid, await send(request), credentials.token));
    }
    const id = op.parameters.find((p) => p.in === 'path' && p.schema.format === 'uuid');
    if (id) {
      // A well-formed id no payout has, with a valid body: answering with some other payout would act on it.
      const unknown = { ...pathParams, [id.name]: randomUUID() };
      const request = buildRequest(baseUrl, credentials, op, unknown, {}, jsonRequest(op)?.example);
      checks.push(judgeUnknownId(spec, op, `path.${id.name}`, await send(request), credentials.token));
    }
  }
  return { checks, requests: payouts.requests + checks.length, skipped };
}

function judgeUnknownId(spec: SpecModel, op: Operation, field: string, exchange: Exchange, token: string): Check {
  const { problems, lines } = conformance(spec, op, exchange);
  const details = [...lines];
  if (exchange.status !== 404)
    details.unshift(exchange.status < 300 ? 'an id no payout has was answered as if it were one' : `answered ${exchange.status}, not 404`);
  return {
    operationId: op.operationId,
    name: `${field}: an unknown id is 404`,
    field,
    source: { kind: 'verify', suite: 'unknown ids' },
    passed: exchange.status === 404 && problems.length === 0,
    expected: '404 with the documented error body, and nothing changed',
    got: describeAnswer(exchange),
    details,
    curl: curlLine(exchange.request, token),
  };
}

function judgeInvalid(spec: SpecModel, op: Operation, invalid: InvalidCase, exchange: Exchange, token: string): Check {
  const rejections = statusesOf(op).filter((s) => /^4/.test(s) && s !== '401' && s !== '403');
  const { statusKey, problems, lines } = conformance(spec, op, exchange);
  const rejected = exchange.status >= 400 && exchange.status < 500 && exchange.status !== 401 && exchange.status !== 403;
  const why = [...lines];
  if (!rejected && exchange.status < 500) {
    why.unshift(
      exchange.status < 400 ? `the invalid input was accepted` : `${exchange.status} is an auth failure, not a rejection of the input`,
    );
  }
  return {
    operationId: op.operationId,
    name: `${invalid.field}: ${invalid.fault} is rejected`,
    field: invalid.field,
    source: { kind: 'verify', suite: 'invalid input (derived from the schemas)' },
    passed: rejected && statusKey !== undefined && problems.length === 0,
    expected: `a documented 4xx (${rejections.join(', ')}) with the documented error body`,
    got: describeAnswer(exchange),
    details: why,
    curl: curlLine(exchange.request, token),
  };
}
