// One route per operation of the spec: its handler run as the calling tenant, a read against what
// is committed, a change in one write that records an Idempotency-Key's first answer with it.
import type { SpecModel } from '@payouts/model';
import type { FastifyInstance } from 'fastify';
import { handlers } from '../handlers.js';
import type { RecordedAnswer } from '../store/idempotency.js';
import { type PayoutStore, type Payouts, TenantGoneError } from '../store/payout-store.js';
import type { Input, OperationId } from '../types.js';
import { type Answerer, JSON_TYPE } from './answer.js';
import { BEARER_CHALLENGE, BEARER_SCHEME, SIGNATURE_SCHEME } from './auth.js';

const IDEMPOTENCY_KEY = 'Idempotency-Key';

type Handler = (input: Input<OperationId>, payouts: Payouts) => Promise<RecordedAnswer>;

/** Refuses a spec the sandbox does not implement, naming what is missing or extra. */
function handlerTable(spec: SpecModel): Map<string, Handler> {
  const known = new Map(Object.entries(handlers) as [string, Handler][]);
  for (const op of spec.operations) {
    if (!known.has(op.operationId)) throw new Error(`the spec has an operation the sandbox does not implement: ${op.operationId}`);
    const unknown = op.securitySchemes.filter((name) => name !== BEARER_SCHEME && name !== SIGNATURE_SCHEME);
    if (unknown.length > 0)
      throw new Error(`${op.operationId} uses security schemes the sandbox does not implement: ${unknown.join(', ')}`);
  }
  const extra = [...known.keys()].filter((id) => !spec.operations.some((op) => op.operationId === id));
  if (extra.length > 0) throw new Error(`the sandbox implements operations the spec no longer has: ${extra.join(', ')}`);
  return known;
}

export function serveOperations(app: FastifyInstance, spec: SpecModel, store: PayoutStore, answers: Answerer): void {
  const table = handlerTable(spec);
  for (const op of spec.operations) {
    const handler = table.get(op.operationId)!;
    const takesKey = op.parameters.some((p) => p.in === 'header' && p.name === IDEMPOTENCY_KEY);
    app.route({
      method: op.method as 'GET',
      url: op.path.replace(/\{([^}]+)\}/g, ':$1'),
      config: { operation: op },
      handler: async (request, reply) => {
        const { tenant, input } = request.sandbox;
        if (tenant === undefined || input === undefined)
          throw new Error(`${op.operationId} ran before its caller and its input were known`);
        const run = (payouts: Payouts) => handler(input, payouts);
        const key = takesKey ? (input.headers as Record<string, string | undefined>)[IDEMPOTENCY_KEY] : undefined;
        let answer: RecordedAnswer;
        try {
          answer =
            op.method === 'GET'
              ? await store.read(tenant, run)
              : await store.answer(
                  tenant,
                  run,
                  key === undefined ? undefined : { key, operationId: op.operationId, params: input.params, body: input.body },
                );
        } catch (error) {
          if (!(error instanceof TenantGoneError)) throw error;
          const signed = op.securitySchemes.includes(SIGNATURE_SCHEME);
          return answers.refuse(reply, op, 401, { detail: error.message }, signed ? {} : BEARER_CHALLENGE);
        }
        const type = answer.contentType && answer.contentType !== 'application/json' ? `${answer.contentType}; charset=utf-8` : JSON_TYPE;
        return answers.send(reply, op, Number(answer.status), answer.body, type, answer.headers as Record<string, string> | undefined);
      },
    });
  }
}
