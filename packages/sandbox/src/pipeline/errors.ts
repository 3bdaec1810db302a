// What no operation answers: a path the spec does not have (404) or a method it does not take
// there (405), a refusal thrown from below, Fastify's own refusals, and a fault of the sandbox's
// (a 500 whose cause goes to the log under the request id the caller is given, never to the caller).
import type { SpecModel } from '@payouts/model';
import type { FastifyInstance } from 'fastify';
import { Refusal } from '../refusal.js';
import type { Answerer } from './answer.js';
import { operationOf } from './state.js';

export function answerErrors(app: FastifyInstance, spec: SpecModel, answers: Answerer, log: (line: string) => void): void {
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allowed = spec.methodsAt(path);
    if (allowed.length > 0) {
      return answers.refuse(reply, undefined, 405, { detail: `Method "${request.method}" not allowed.` }, { Allow: allowed.join(', ') });
    }
    return answers.refuse(reply, undefined, 404, { detail: `Not found: no operation has the path ${path} (paths end in /).` });
  });

  app.setErrorHandler((caught, request, reply) => {
    const error = caught as Error & { statusCode?: number };
    const op = operationOf(request);
    if (error instanceof Refusal) return answers.refuse(reply, op, error.status, error.body);
    const status = error.statusCode ?? 500;
    // Fastify's own refusals (a body over the size limit, a malformed request) are bad input too.
    if (status >= 400 && status < 500) return answers.refuse(reply, op, 400, { non_field_errors: [error.message] });
    log(`sandbox: request ${request.id}: ${request.method} ${request.url}: ${error.stack ?? error.message}`);
    return answers.refuse(
      reply,
      undefined,
      500,
      { detail: `Internal error. The sandbox's log has the cause under request id ${request.id}.` },
      { 'X-Request-Id': request.id },
    );
  });
}
