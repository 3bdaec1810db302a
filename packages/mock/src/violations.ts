import type { Operation } from '@payouts/model';

/** One way a request (or, rarely, the mock's own answer) broke the contract. */
export interface ContractViolation {
  /** The operation the request was routed to; undefined when the spec has no such route. */
  operationId: string | undefined;
  method: string;
  /** The request's path as sent, without the query. */
  path: string;
  /** The status the mock answered. */
  status: number;
  /** `request`: the caller broke the contract; `response`: the mock's answer did (a spec problem). */
  side: 'request' | 'response';
  /** Where the problem is: `body`, `query`, `path`, `header`, or `route` for a request the spec has no operation for. */
  location: string;
  /** The field, dotted for nested ones (`debit_bank.ifsc`); empty for the body as a whole. */
  field: string;
  message: string;
}

/** A violation as Prism puts it in the `sl-violations` response header. */
interface PrismViolation {
  location: string[];
  severity: string;
  code: string | number;
  message: string;
}

export interface RequestLine {
  method: string;
  path: string;
  status: number;
}

/** Reads the `sl-violations` header. Prism cuts it at 8 KiB: whatever can still be read is kept. */
export function parseViolationHeader(
  header: string | undefined,
  operation: Operation | undefined,
  request: RequestLine,
): ContractViolation[] {
  if (!header) return [];
  const truncated = header.startsWith('Too many violations! ');
  let raw: PrismViolation[] = [];
  try {
    raw = JSON.parse(truncated ? header.slice('Too many violations! '.length) : header) as PrismViolation[];
  } catch {
    // A cut header is not JSON any more: its violations cannot be listed one by one.
  }
  const violations = raw.filter((violation) => violation.severity === 'Error').map((violation) => fromPrism(violation, operation, request));
  if (truncated) {
    violations.push({
      ...at(operation, request),
      side: 'request',
      location: 'request',
      field: '',
      message: 'more violations than Prism could report (its sl-violations header was cut)',
    });
  }
  return violations;
}

export function routeViolation(request: RequestLine, knownPath: boolean): ContractViolation {
  const message = knownPath
    ? `the spec has no ${request.method} operation on this path`
    : `the spec has no path ${request.path}${request.path.endsWith('/') ? '' : ' (every path of this API ends in /)'}`;
  return { ...at(undefined, request), side: 'request', location: 'route', field: '', message };
}

/** Prism's HTTP layer answers a body that is not JSON with its own 400, before any validation. */
export function isMalformedJsonAnswer(body: string): boolean {
  try {
    return (JSON.parse(body) as { error?: { code?: string } }).error?.code === 'invalid_json';
  } catch {
    return false;
  }
}

export function malformedBodyViolation(operation: Operation | undefined, request: RequestLine): ContractViolation {
  return { ...at(operation, request), side: 'request', location: 'body', field: '', message: 'the body is not valid JSON' };
}

function at(operation: Operation | undefined, request: RequestLine) {
  return { operationId: operation?.operationId, method: request.method, path: request.path, status: request.status };
}

const PROPERTY_IN_MESSAGE: Record<string, RegExp> = {
  required: /required property '([^']+)'/,
  additionalProperties: /found '([^']+)'/,
};

function fromPrism(violation: PrismViolation, operation: Operation | undefined, request: RequestLine): ContractViolation {
  const [side, location = '', ...fieldPath] = violation.location;
  // The security and content-type checks report `["request"]` with an HTTP status as their code.
  if (location === '' && String(violation.code) === '401') {
    // The header the operation's credential goes in: Authorization for a caller, the signature for the provider's callback.
    const header = operation?.credentialHeaders[0] ?? 'Authorization';
    const credential = header === 'Authorization' ? 'a bearer token' : header;
    return {
      ...at(operation, request),
      side: 'request',
      location: 'header',
      field: header,
      message: `${credential} is required (${violation.message})`,
    };
  }
  if (location === '' && String(violation.code) === '415') {
    return { ...at(operation, request), side: 'request', location: 'header', field: 'Content-Type', message: violation.message };
  }
  // ajv reports a missing or unexpected property on its parent; name the property itself.
  const code = String(violation.code);
  const property = Object.hasOwn(PROPERTY_IN_MESSAGE, code) ? PROPERTY_IN_MESSAGE[code]!.exec(violation.message)?.[1] : undefined;
  if (property) fieldPath.push(property);
  return {
    ...at(operation, request),
    side: side === 'response' ? 'response' : 'request',
    location,
    field: fieldPath.join('.'),
    message: violation.message,
  };
}

/**
 * The 400 body for an invalid request, in the spec's `Error` shape: one key per invalid field with
 * its messages, `non_field_errors` for the body as a whole. Prism would answer the spec's static 400
 * example, which names fields that may have nothing to do with the request.
 */
export function errorBodyFor(violations: ContractViolation[]): Record<string, string[]> {
  // Keys are the caller's field names, whatever they are (`constructor`, `__proto__`): no prototype to collide with.
  const body: Record<string, string[]> = Object.create(null);
  for (const { side, field, message } of violations) {
    if (side !== 'request') continue;
    const key = field || 'non_field_errors';
    body[key] = [...(body[key] ?? []), message];
  }
  return body;
}

export function formatViolation(violation: ContractViolation): string {
  const operation = violation.operationId ?? 'no operation';
  const where = [violation.location, violation.field].filter(Boolean).join(' ');
  return `${operation} (${violation.method} ${violation.path} -> ${violation.status}): ${where}: ${violation.message}`;
}

/** Thrown by `expectNoViolations()`: its message lists every violation, one a line. */
export class ContractViolationError extends Error {
  constructor(
    readonly violations: ContractViolation[],
    /** Violations seen beyond the ones kept (see `ViolationLog`). */
    readonly dropped = 0,
  ) {
    const total = violations.length + dropped;
    const count = total === 1 ? '1 contract violation' : `${total} contract violations`;
    const lines = violations.map((violation) => `  - ${formatViolation(violation)}`);
    if (dropped > 0) lines.push(`  ... and ${dropped} more, not kept`);
    super(`the mock saw ${count}:\n${lines.join('\n')}`);
    this.name = 'ContractViolationError';
  }
}

/**
 * The violations a mock has seen, the first `limit` of them kept (the first are what explain a
 * failure; a long-running mock must not grow without bound), the rest only counted.
 */
export class ViolationLog {
  private kept: ContractViolation[] = [];
  private dropped = 0;

  constructor(private readonly limit: number) {}

  add(violations: ContractViolation[]): void {
    const room = Math.max(0, this.limit - this.kept.length);
    this.kept.push(...violations.slice(0, room));
    this.dropped += Math.max(0, violations.length - room);
  }

  list(): ContractViolation[] {
    return [...this.kept];
  }

  get size(): number {
    return this.kept.length + this.dropped;
  }

  clear(): void {
    this.kept = [];
    this.dropped = 0;
  }

  /** A ContractViolationError for what was seen, or undefined when nothing was. */
  error(): ContractViolationError | undefined {
    return this.size > 0 ? new ContractViolationError(this.list(), this.dropped) : undefined;
  }
}
