import type { ErrorBody, ErrorStatus, OperationId } from './types.js';

/** The body of an error answer: as the spec documents it for a documented status, else whatever came. */
export type ApiErrorBodyOf<Op extends OperationId, S extends number> = number extends S
  ? ErrorBody<Op> | string | undefined
  : S extends ErrorStatus<Op>
    ? ErrorBody<Op, S>
    : unknown;

/**
 * The API answered with an error status. Thrown by `unwrap()` and the operation shortcuts; narrow
 * it to an operation and a documented status with `isPayoutsApiError()`.
 */
export class PayoutsApiError<Op extends OperationId = OperationId, S extends number = number> extends Error {
  override readonly name = 'PayoutsApiError';
  readonly operationId: Op;
  readonly status: S;
  /** The parsed JSON error body; the raw text when the answer was not JSON; undefined when empty. */
  readonly body: ApiErrorBodyOf<Op, S>;
  readonly response: Response;

  /** `why`, when given, says what is wrong with an answer the spec does not document (it replaces the body's summary). */
  constructor(operationId: Op, response: Response, body: ApiErrorBodyOf<Op, S>, why?: string) {
    super(
      `${operationId} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${why ? `: ${why}` : summary(body)}`,
    );
    this.operationId = operationId;
    this.status = response.status as S;
    this.body = body;
    this.response = response;
  }
}

/**
 * Whether `error` is a `PayoutsApiError`, of one operation and one of the error statuses the spec
 * documents for it when those are given (a status the spec does not document does not compile):
 * `if (isPayoutsApiError(error, 'processPayout', 409)) console.log(error.body.detail)`.
 */
export function isPayoutsApiError<O extends OperationId = OperationId, S extends ErrorStatus<O> | number = number>(
  error: unknown,
  operationId?: O,
  status?: S & ErrorStatus<O>,
): error is PayoutsApiError<O, S> {
  return (
    error instanceof PayoutsApiError &&
    (operationId === undefined || error.operationId === operationId) &&
    (status === undefined || error.status === status)
  );
}

/** Why a request got no answer. */
export type RequestFailure = 'missing-token' | 'timeout' | 'network';

/** A request got no answer: no token to send, it timed out, or the server could not be reached. */
export class PayoutsRequestError extends Error {
  override readonly name = 'PayoutsRequestError';
  readonly reason: RequestFailure;
  readonly operationId: OperationId;
  /** Attempts made, retries included. */
  readonly attempts: number;

  constructor(reason: RequestFailure, operationId: OperationId, message: string, options: { attempts?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.operationId = operationId;
    this.attempts = options.attempts ?? 0;
  }
}

/** The operation behind each error answer a client returned, for `unwrap()`. */
const failedOperations = new WeakMap<Response, OperationId>();

export function recordFailure(response: Response, operationId: OperationId): void {
  failedOperations.set(response, operationId);
}

type Result = { data?: unknown; error?: unknown; response: Response };

/**
 * The data of a successful result of a `PayoutsClient` call, or a thrown `PayoutsApiError` carrying
 * the status, the operationId and the error body.
 */
export function unwrap<R extends Result>(result: R): Exclude<R['data'], undefined> {
  if (result.response.ok) return result.data as Exclude<R['data'], undefined>;
  const operationId = failedOperations.get(result.response);
  if (operationId === undefined)
    throw new TypeError('unwrap() takes the result of a PayoutsClient call; this result came from another client');
  throw new PayoutsApiError(operationId, result.response, result.error as ErrorBody<OperationId> | string | undefined);
}

/** The error body in one line: `detail`, or each field with its messages. */
function summary(body: unknown): string {
  if (typeof body === 'string') return body ? `: ${body.length > 200 ? `${body.slice(0, 200)}…` : body}` : '';
  if (typeof body !== 'object' || body === null) return '';
  const { detail, non_field_errors: general, ...fields } = body as Record<string, unknown>;
  const parts = [
    ...(typeof detail === 'string' ? [detail] : []),
    ...(Array.isArray(general) ? general.map(String) : []),
    ...Object.entries(fields).map(
      ([field, messages]) => `${field}: ${Array.isArray(messages) ? messages.join(' ') : JSON.stringify(messages)}`,
    ),
  ];
  return parts.length > 0 ? `: ${parts.join('; ')}` : '';
}
