// Who is calling: a caller's bearer token (before the body is read), or the provider's signature
// over the body's bytes (once they are read, before anything parses them). Either says which
// tenant the request acts as.
import { SIGNATURE_HEADER } from '@payouts/callbacks';
import { isLoopbackHostHeader } from '@payouts/process';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_TOKEN, type Tenants } from '../tenants.js';
import type { Answerer } from './answer.js';
import { operationOf } from './state.js';

/** The spec's security schemes, each as the sandbox checks it. */
export const BEARER_SCHEME = 'bearerAuth';
export const SIGNATURE_SCHEME = 'callbackSignature';
export const BEARER_CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="api"' };

export function authenticate(app: FastifyInstance, tenants: Tenants, answers: Answerer): void {
  app.addHook('onRequest', async (request, reply) => {
    const op = operationOf(request);
    if (!op?.securitySchemes.includes(BEARER_SCHEME)) return;
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      const detail = header ? 'Invalid Authorization header: expected "Bearer <token>".' : 'Authentication credentials were not provided.';
      return answers.refuse(reply, op, 401, { detail }, BEARER_CHALLENGE);
    }
    const tenant = await tenants.ofToken(match[1]!);
    if (tenant === undefined) return answers.refuse(reply, op, 401, { detail: 'Invalid bearer token.' }, BEARER_CHALLENGE);
    // Belt and braces: start-up refuses the development token off loopback, and a loopback
    // sandbox answers no foreign Host; the token is never good for a request that named another.
    if (match[1] === DEFAULT_TOKEN && !isLoopbackHostHeader(request.headers.host))
      return answers.refuse(reply, op, 401, { detail: 'The development token is accepted only on loopback.' }, BEARER_CHALLENGE);
    request.sandbox.tenant = tenant;
  });
  app.addHook('preValidation', async (request, reply) => {
    const op = operationOf(request);
    if (!op?.securitySchemes.includes(SIGNATURE_SCHEME)) return;
    const signer = await tenants.ofCallback(
      request.headers[SIGNATURE_HEADER.toLowerCase()],
      request.sandbox.received?.bytes ?? new Uint8Array(),
      isLoopbackHostHeader(request.headers.host),
    );
    if (!signer.ok) return answers.refuse(reply, op, 401, { detail: signer.reason });
    request.sandbox.tenant = signer.tenant;
  });
}
