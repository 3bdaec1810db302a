import type { ErrorBody } from './types.js';

/** A request the sandbox refuses as the operation itself would (404, 409, a field it cannot take): the status and the spec's Error body it answers. */
export class Refusal extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 415,
    readonly body: ErrorBody,
  ) {
    super('detail' in body ? String(body.detail) : JSON.stringify(body));
  }

  static notFound(detail: string): Refusal {
    return new Refusal(404, { detail });
  }

  static conflict(detail: string): Refusal {
    return new Refusal(409, { detail });
  }

  static field(field: string, message: string): Refusal {
    return new Refusal(400, { [field]: [message] });
  }

  static unsupportedMediaType(detail: string): Refusal {
    return new Refusal(415, { detail });
  }

  static request(message: string): Refusal {
    return new Refusal(400, { non_field_errors: [message] });
  }
}
