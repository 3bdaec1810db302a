import type { ErrorBody } from './types.js';

/** A request the sandbox refuses, with the status and the spec's Error body it answers. */
export class Problem extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 415,
    readonly body: ErrorBody,
  ) {
    super('detail' in body ? String(body.detail) : JSON.stringify(body));
  }

  static notFound(detail: string): Problem {
    return new Problem(404, { detail });
  }

  static conflict(detail: string): Problem {
    return new Problem(409, { detail });
  }

  static field(field: string, message: string): Problem {
    return new Problem(400, { [field]: [message] });
  }

  static unsupportedMediaType(detail: string): Problem {
    return new Problem(415, { detail });
  }

  static request(message: string): Problem {
    return new Problem(400, { non_field_errors: [message] });
  }
}
