// What one request carries through the pipeline (route -> auth -> input check -> handler with
// idempotency -> output check -> errors), on the request itself.
import type { Operation } from '@payouts/model';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Refusal } from '../refusal.js';
import type { Input, OperationId } from '../types.js';

export interface RequestState {
  /** The body's bytes as they came (the callback signature covers them), and why they cannot be read, if so. */
  received?: { bytes: Buffer; parseError?: Refusal };
  /** The tenant the request acts as, once authenticated. */
  tenant?: string;
  /** The request as the operation reads it, once checked. */
  input?: Input<OperationId>;
}

declare module 'fastify' {
  interface FastifyRequest {
    sandbox: RequestState;
  }
  interface FastifyContextConfig {
    /** The spec's operation a route serves; none for the admin API and the not-found route. */
    operation?: Operation;
  }
}

/** Every request starts with an empty state. */
export function carryState(app: FastifyInstance): void {
  app.decorateRequest('sandbox', null as unknown as RequestState);
  app.addHook('onRequest', async (request) => {
    request.sandbox = {};
  });
}

/** The operation a request was routed to, if any. */
export function operationOf(request: FastifyRequest): Operation | undefined {
  return request.routeOptions.config?.operation;
}
