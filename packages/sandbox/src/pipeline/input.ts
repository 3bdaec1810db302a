// The request against the contract, once its caller is known: a body that could not be read, or
// a request the operation's schemas refuse, is answered here with the spec's 400 (or 415).
import { jsonBodyOf, type SpecModel } from '@payouts/model';
import type { FastifyInstance } from 'fastify';
import type { Input, OperationId } from '../types.js';
import { checkRequest } from '../validation.js';
import type { Answerer } from './answer.js';
import { operationOf } from './state.js';

export function checkInput(app: FastifyInstance, spec: SpecModel, answers: Answerer): void {
  app.addHook('preHandler', async (request, reply) => {
    const op = operationOf(request);
    if (!op) return;
    const takesBody = jsonBodyOf(op) !== undefined;
    const parseError = request.sandbox.received?.parseError;
    // A GET's body is ignored, as Django ignores it; an operation that takes one must get JSON.
    if (parseError && takesBody) return answers.refuse(reply, op, parseError.status, parseError.body);
    const checked = checkRequest(spec, op, {
      params: request.params as Record<string, unknown>,
      query: request.query as Record<string, unknown>,
      headers: request.headers,
      // No body at all reads as an empty object, so each required field is named.
      body: takesBody && request.body === undefined ? {} : request.body,
    });
    if (!checked.ok) return answers.refuse(reply, op, 400, checked.errors);
    request.sandbox.input = checked.request as Input<OperationId>;
  });
}
