// The last step before the wire: every answer the sandbox gives an operation is checked against
// the spec (by default); one that breaks it becomes a 500 naming what broke, and is logged.
import type { Operation, SpecModel } from '@payouts/model';
import type { FastifyReply } from 'fastify';
import { prerenderedJson } from '../store/render-cache.js';
import type { ErrorBody } from '../types.js';
import { answerProblems } from '../validation.js';

export const JSON_TYPE = 'application/json; charset=utf-8';

export interface Answerer {
  /** Sends an answer of `op` (undefined for a request no operation serves), checked against the spec. */
  send(
    reply: FastifyReply,
    op: Operation | undefined,
    status: number,
    body: unknown,
    contentType?: string,
    headers?: Record<string, string>,
  ): FastifyReply;
  /** Sends a refusal in the spec's Error shape. */
  refuse(reply: FastifyReply, op: Operation | undefined, status: number, body: ErrorBody, headers?: Record<string, string>): FastifyReply;
}

export function answerer(spec: SpecModel, validateResponses: boolean, log: (line: string) => void): Answerer {
  const send: Answerer['send'] = (reply, op, status, body, contentType = JSON_TYPE, headers = {}) => {
    const headerNames = Object.keys(headers).map((h) => h.toLowerCase());
    const problems = op && validateResponses ? answerProblems(spec, op, status, contentType, body, headerNames) : [];
    if (problems.length > 0) {
      const where = problems.join('; ');
      log(`sandbox: ${op!.operationId} ${status} broke the spec: ${where}`);
      return reply
        .code(500)
        .type(JSON_TYPE)
        .send(JSON.stringify({ detail: `The sandbox's ${status} answer to ${op!.operationId} broke the spec: ${where}` }));
    }
    return reply
      .code(status)
      .headers(headers)
      .type(contentType)
      .send(typeof body === 'string' ? body : (prerenderedJson(body as object) ?? JSON.stringify(body)));
  };
  return { send, refuse: (reply, op, status, body, headers) => send(reply, op, status, body, JSON_TYPE, headers) };
}
