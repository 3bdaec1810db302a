// The admin API (admin/openapi.yaml): make and drop tenants at run time, behind the admin token.
// Requests and answers are validated against that file, as the Payouts routes are against theirs.
import { timingSafeEqual } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { jsonBodyOf, SpecModel } from '@payouts/model';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Refusal } from './refusal.js';
import type { Tenants } from './tenants.js';
import { answerProblems, checkRequest } from './validation.js';

export const ADMIN_SPEC = fileURLToPath(new URL('../admin/openapi.yaml', import.meta.url));

const JSON_TYPE = 'application/json; charset=utf-8';

type AdminHandler = (input: { params: Record<string, unknown>; body: unknown }) => Promise<{ status: number; body?: unknown }>;

export function mountAdmin(app: FastifyInstance, tenants: Tenants, adminToken: string): void {
  const spec = SpecModel.load(ADMIN_SPEC);
  const expected = Buffer.from(adminToken);
  const handlers: Record<string, AdminHandler> = {
    createTenant: async ({ body }) => ({ status: 201, body: await tenants.create((body as { name: string }).name) }),
    dropTenant: async ({ params }) => {
      const name = params.name as string;
      return (await tenants.drop(name)) ? { status: 204 } : { status: 404, body: { detail: `No tenant is named ${name}.` } };
    },
  };

  for (const op of spec.operations) {
    const handler = handlers[op.operationId];
    if (!handler) throw new Error(`the admin API has an operation the sandbox does not implement: ${op.operationId}`);
    const send = (reply: FastifyReply, status: number, body?: unknown, headers: Record<string, string> = {}) => {
      const problems = answerProblems(
        spec,
        op,
        status,
        body === undefined ? '' : JSON_TYPE,
        body,
        Object.keys(headers).map((h) => h.toLowerCase()),
      );
      if (problems.length > 0)
        throw new Error(`the admin API's ${status} to ${op.operationId} broke admin/openapi.yaml: ${problems.join('; ')}`);
      reply.code(status).headers(headers);
      return body === undefined ? reply.send() : reply.type(JSON_TYPE).send(JSON.stringify(body));
    };
    app.route({
      method: op.method as 'POST',
      url: op.path.replace(/\{([^}]+)\}/g, ':$1'),
      handler: async (request, reply) => {
        const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
        const given = Buffer.from(match?.[1] ?? '');
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          const detail = match ? 'Invalid admin token.' : 'The admin API takes the admin token: "Authorization: Bearer <admin token>".';
          return send(reply, 401, { detail }, { 'WWW-Authenticate': 'Bearer realm="sandbox-admin"' });
        }
        const { body } = request;
        const parseError = request.sandbox.received?.parseError;
        if (parseError) return send(reply, 400, parseError.body);
        const checked = checkRequest(spec, op, {
          params: request.params as Record<string, unknown>,
          query: request.query as Record<string, unknown>,
          headers: request.headers,
          body: jsonBodyOf(op) && body === undefined ? {} : body,
        });
        if (!checked.ok) return send(reply, 400, checked.errors);
        try {
          const answer = await handler(checked.request);
          return send(reply, answer.status, answer.body);
        } catch (error) {
          if (error instanceof Refusal) return send(reply, error.status, error.body);
          throw error;
        }
      },
    });
  }
}
