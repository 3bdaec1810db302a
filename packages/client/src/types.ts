// Types derived from the generated spec types: per-operation request, response and error shapes,
// and the spec's models under short names.
import type { components, operations, paths } from './generated/openapi.js';

export type { components, operations, paths };

export type OperationId = keyof operations;

type Responses<Op extends OperationId> = operations[Op]['responses'];
type StatusOf<Op extends OperationId> = Extract<keyof Responses<Op>, number>;
type BodyOf<Response> = Response extends { content: infer Content } ? Content[keyof Content] : undefined;

/** The error statuses the spec documents for an operation, e.g. `ErrorStatus<'processPayout'>` is 400 | 401 | 403 | 404 | 409. */
export type ErrorStatus<Op extends OperationId> = {
  [S in StatusOf<Op>]: `${S}` extends `4${string}` | `5${string}` ? S : never;
}[StatusOf<Op>];

/** The body the spec documents for an operation's error status (all statuses when none is given). */
export type ErrorBody<Op extends OperationId, S extends ErrorStatus<Op> = ErrorStatus<Op>> = Op extends OperationId
  ? BodyOf<Responses<Op>[S]>
  : never;

/** What an operation answers on success. */
export type ResponseData<Op extends OperationId> = BodyOf<Responses<Op>[Exclude<StatusOf<Op>, ErrorStatus<Op>>]>;

/** An operation's request body. */
export type RequestBody<Op extends OperationId> = operations[Op] extends { requestBody: { content: infer Content } }
  ? Content[keyof Content]
  : never;

/** An operation's query parameters. */
export type QueryParams<Op extends OperationId> = NonNullable<operations[Op]['parameters']['query']>;

type Schemas = components['schemas'];
export type Payout = Schemas['Payout'];
export type PayoutPage = Schemas['PayoutPage'];
export type PayoutStatus = Schemas['PayoutStatus'];
export type CreatePayoutRequest = Schemas['CreatePayoutRequest'];
export type ProcessPayoutRequest = Schemas['ProcessPayoutRequest'];
export type PayoutCallback = Schemas['PayoutCallback'];
export type ExportPayoutsRequest = Schemas['ExportPayoutsRequest'];
/** A 400's body: each invalid field's messages, `non_field_errors` for the request as a whole. */
export type FieldErrors = Schemas['FieldErrors'];
/** The API's one error model, in its two shapes: field messages (400), or `detail` (every other error). */
export type ApiErrorBody = Schemas['Error'] | FieldErrors;
