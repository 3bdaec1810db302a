// The sandbox's edge, before any route: the Host check that keeps a DNS-rebound page out of a
// loopback sandbox, CORS for the origins given (preflight included) and for no other, and the
// spec's error shape for what Fastify or Node refuse before a route runs (a URL that is not
// percent-encoded right, headers over the limit, a request that trickles in).
import { createServer } from 'node:http';
import { answerClientError, corsPolicy, hostGuard, misdirectedDetail, REQUEST_TIMEOUT_MS, SERVER_LIMITS } from '@payouts/process';
import type { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Fastify options for the edge: the node server with the limits every server here has. */
export function edgeServerOptions(): Pick<
  FastifyServerOptions,
  'serverFactory' | 'requestTimeout' | 'clientErrorHandler' | 'frameworkErrors'
> {
  return {
    serverFactory: (handler) => createServer(SERVER_LIMITS, handler),
    requestTimeout: REQUEST_TIMEOUT_MS,
    clientErrorHandler: answerClientError,
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      reply
        .code(400)
        .type(JSON_TYPE)
        .send(JSON.stringify({ detail: `The request URL is malformed: ${error.message}` }));
    },
  };
}

export interface Edge {
  /** Called once the sandbox listens: from then on only its own address or localhost is an accepted Host. */
  listening(host: string, port: number): void;
}

/** The first hook of every request. */
export function guardEdge(app: FastifyInstance, corsOrigins: readonly string[] = []): Edge {
  let isOwnHost: (host: string | undefined) => boolean = () => false;
  const cors = corsPolicy(corsOrigins);
  app.addHook('onRequest', async (request, reply) => {
    if (!isOwnHost(request.headers.host)) {
      return reply
        .code(421)
        .type(JSON_TYPE)
        .header('connection', 'close')
        .send(JSON.stringify({ detail: misdirectedDetail(request.headers.host) }));
    }
    const preflight = cors.preflight(request.raw);
    if (preflight) return reply.code(preflight.status).headers(preflight.headers).send();
    reply.headers(cors.headersFor(request.headers.origin));
  });
  // An answer sent before the body arrived (a 401 for a request without a token) would otherwise
  // leave Node reading the rest of the body for as long as the client trickles it: close instead.
  app.addHook('onSend', async (request, reply) => {
    if (!request.raw.complete) reply.header('connection', 'close');
  });
  return {
    listening(host, port) {
      isOwnHost = hostGuard(host, port);
    },
  };
}
