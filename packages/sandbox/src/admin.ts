// The sandbox's own API (admin/openapi.yaml): make and drop tenants at run time, behind the admin
// token; and ask the simulated bank to settle a payout, as the tenant that owns it. Requests and
// answers are validated against that file, as the Payouts routes are against theirs.
import { timingSafeEqual } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { jsonBodyOf, SpecModel } from '@payouts/model';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimulatedBank } from './bank.js';
import { Refusal } from './refusal.js';
import type { PayoutStore } from './store/payout-store.js';
import type { Tenants } from './tenants.js';
import type { Payout } from './types.js';
import { answerProblems, checkRequest } from './validation.js';

export const ADMIN_SPEC = fileURLToPath(new URL('../admin/openapi.yaml', import.meta.url));

const JSON_TYPE = 'application/json; charset=utf-8';

type AdminHandler = (input: {
  params: Record<string, unknown>;
  body: unknown;
  tenant: string;
}) => Promise<{ status: number; body?: unknown }>;

/** The status a payout must have for the bank to settle it with each outcome. */
const SETTLES_FROM = { processed: 'initiated', failed: 'initiated', reversed: 'processed' } as const;
type Settlement = { outcome: keyof typeof SETTLES_FROM; remark?: string };

/** The tenant operations with an admin token (none without one); Settle Payout always. */
export function mountAdmin(
  app: FastifyInstance,
  { tenants, store, bank }: { tenants: Tenants; store: PayoutStore; bank: SimulatedBank },
  adminToken: string | undefined,
): void {
  const spec = SpecModel.load(ADMIN_SPEC);
  const expected = Buffer.from(adminToken ?? '');
  const handlers: Record<string, AdminHandler> = {
    createTenant: async ({ body }) => {
      const { name, ...bankSetting } = body as { name: string; bank?: 'simulated' | 'none'; bank_delay?: number };
      return { status: 201, body: await tenants.create(name, bankSetting) };
    },
    dropTenant: async ({ params }) => {
      const name = params.name as string;
      return (await tenants.drop(name)) ? { status: 204 } : { status: 404, body: { detail: `No tenant is named ${name}.` } };
    },
    settlePayout: async ({ params, body, tenant }) => {
      const { outcome, remark } = body as Settlement;
      const payout: Payout = await store.read(tenant, (payouts) => payouts.payoutOf(params.id as string));
      const needed = SETTLES_FROM[outcome];
      if (payout.status !== needed)
        throw Refusal.conflict(`Payout is ${payout.status}; the bank can settle it as ${outcome} only once it is ${needed}.`);
      bank.settleNow(tenant, payout, outcome, remark);
      return { status: 202, body: { id: payout.id, outcome, payout_service_id: payout.payout_service_id } };
    },
  };

  for (const op of spec.operations) {
    const handler = handlers[op.operationId];
    if (!handler) throw new Error(`the admin API has an operation the sandbox does not implement: ${op.operationId}`);
    const asTenant = op.securitySchemes.includes('tenantToken');
    if (!asTenant && adminToken === undefined) continue;
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
    const url = op.path.replace(/\{([^}]+)\}/g, ':$1');
    const handle = async (request: FastifyRequest, reply: FastifyReply) => {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
      let tenant = '';
      if (asTenant) {
        const known = match ? await tenants.ofToken(match[1]!) : undefined;
        if (known === undefined) {
          const detail = match ? 'Invalid bearer token.' : 'Authentication credentials were not provided.';
          return send(reply, 401, { detail }, { 'WWW-Authenticate': 'Bearer realm="api"' });
        }
        tenant = known;
      } else {
        const given = Buffer.from(match?.[1] ?? '');
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          const detail = match ? 'Invalid admin token.' : 'The admin API takes the admin token: "Authorization: Bearer <admin token>".';
          return send(reply, 401, { detail }, { 'WWW-Authenticate': 'Bearer realm="sandbox-admin"' });
        }
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
        const answer = await handler({ ...checked.request, tenant });
        return send(reply, answer.status, answer.body);
      } catch (error) {
        if (error instanceof Refusal) return send(reply, error.status, error.body);
        throw error;
      }
    };
    // Written with a trailing '/', as the Payouts API's paths are; taken without it too (admin/openapi.yaml).
    for (const path of new Set([url, url.replace(/\/$/, '')])) app.route({ method: op.method as 'POST', url: path, handler: handle });
  }
}
