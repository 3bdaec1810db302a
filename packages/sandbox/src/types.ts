// Handler types taken from the generated @payouts/types: when the spec changes a body, a parameter
// or a response, the sandbox stops type-checking until it follows.
import type { components, operations } from '@payouts/types';

export type Payout = components['schemas']['Payout'];
export type PayoutPage = components['schemas']['PayoutPage'];
export type DebitBank = components['schemas']['DebitBank'];
export type CreditBank = components['schemas']['CreditBank'];
export type PayoutStatus = components['schemas']['PayoutStatus'];
export type ExpandedRecord = components['schemas']['ExpandedRecord'];

export type OperationId = keyof operations;

type JsonContent<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Defined<T> = Exclude<T, undefined>;

export type RequestBody<O extends OperationId> = operations[O] extends { requestBody: infer R } ? JsonContent<R> : undefined;
export type QueryOf<O extends OperationId> = Defined<operations[O]['parameters']['query']>;
export type PathOf<O extends OperationId> = Defined<operations[O]['parameters']['path']>;
export type HeadersOf<O extends OperationId> = Defined<operations[O]['parameters']['header']>;

/** The spec's error model in its two shapes: `detail` (every error but a 400), or each field's messages (a 400). */
export type ErrorBody = components['schemas']['Error'] | components['schemas']['FieldErrors'];

type Responses<O extends OperationId> = operations[O]['responses'];
type BodyOf<R> = R extends { content: infer C } ? C[keyof C] : never;
// `Record<never, never> extends H` holds when every documented header is optional.
type HeadersField<R> = R extends { headers: infer H }
  ? Record<never, never> extends H
    ? { headers?: H }
    : { headers: H }
  : { headers?: never };

/** What a handler answers: one documented status with its body (and its documented headers). */
export type Answer<O extends OperationId> = {
  [S in keyof Responses<O>]: {
    status: S;
    body: BodyOf<Responses<O>[S]>;
    contentType?: keyof (Responses<O>[S] extends { content: infer C } ? C : never);
  } & HeadersField<Responses<O>[S]>;
}[keyof Responses<O>];

/** A request as a handler sees it: validated against the spec, query defaults filled. */
export interface Input<O extends OperationId> {
  params: PathOf<O>;
  query: QueryOf<O>;
  headers: HeadersOf<O>;
  body: RequestBody<O>;
}
