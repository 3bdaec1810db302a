import type { Diagnostic } from '@payouts/model';

/**
 * One way a request (or, rarely, the mock's own answer) broke the contract: the contract checker's
 * Diagnostic, with the request it was found in. A request the spec has no operation for is a
 * `route` violation, of no operation.
 */
export interface ContractViolation extends Omit<Diagnostic, 'operationId' | 'location'> {
  /** The operation the request was routed to; undefined when the spec has no such route. */
  operationId: string | undefined;
  location: Diagnostic['location'] | 'route';
  method: string;
  /** The request's path as sent, without the query. */
  path: string;
  /** The status the mock answered. */
  status: number;
}

export interface RequestLine {
  method: string;
  path: string;
  status: number;
}

export function violationOf(diagnostic: Diagnostic, request: RequestLine): ContractViolation {
  return { ...diagnostic, ...request };
}

export function routeViolation(request: RequestLine, knownPath: boolean): ContractViolation {
  const message = knownPath
    ? `the spec has no ${request.method} operation on this path`
    : `the spec has no path ${request.path}${request.path.endsWith('/') ? '' : ' (every path of this API ends in /)'}`;
  return { operationId: undefined, ...request, side: 'request', location: 'route', field: '', pointer: '', message };
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

  /** Keeps (or counts) the violations, each also told to `onViolation` as it comes. */
  add(violations: ContractViolation[], onViolation?: (violation: ContractViolation) => void): void {
    if (onViolation) violations.forEach(onViolation);
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
