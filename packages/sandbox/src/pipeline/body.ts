// Bodies are JSON, parsed here so that an empty body is no body (a retry sent with a JSON content
// type) and a malformed one is the spec's 400 (another media type or charset its 415), not
// Fastify's own error shape. The bytes are kept for the callback signature, and a parse error
// waits until the signature is checked: an unsigned request learns nothing about its body.
import type { FastifyInstance } from 'fastify';
import { Refusal } from '../refusal.js';

export function readBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, bytes, done) => {
    const received: { bytes: Buffer; parseError?: Refusal } = { bytes: bytes as Buffer };
    request.sandbox.received = received;
    const type = request.headers['content-type'];
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(type ?? '')?.[1];
    if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
      received.parseError = Refusal.unsupportedMediaType(`Unsupported charset "${charset}" in Content-Type "${type}"; send UTF-8.`);
      return done(null, undefined);
    }
    const text = received.bytes.toString('utf8');
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      received.parseError = Refusal.request(`JSON parse error - ${(error as Error).message}`);
      done(null, undefined);
    }
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, bytes, done) => {
    const parseError = Refusal.unsupportedMediaType(
      `Unsupported media type "${request.headers['content-type']}" in request; send application/json.`,
    );
    request.sandbox.received = { bytes: bytes as Buffer, parseError };
    done(null, undefined);
  });
}
