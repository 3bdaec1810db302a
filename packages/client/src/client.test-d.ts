// Type tests: what the spec forbids does not compile, and answers are typed as the spec says.
import { describe, expectTypeOf, test } from 'vitest';
import {
  type ApiErrorBody,
  type CallbackOptions,
  type CallOptions,
  type ChangeOptions,
  type CreatePayoutRequest,
  createPayoutsClient,
  type ErrorBody,
  type ErrorStatus,
  type FieldErrors,
  isPayoutsApiError,
  type PageableOperationId,
  type Payout,
  type PayoutCallback,
  type PayoutPage,
  type PayoutStatus,
  type ProcessPayoutRequest,
  type QueryParams,
  unwrap,
} from './index.js';

const client = createPayoutsClient({ baseUrl: 'https://preprod.api.crego.io', token: 'jwt' });
const id = 'bb572e48-1d50-4a53-b5ae-37b23855f84f';
// Type tests are only type-checked: a declared body of the right type is all they need.
declare const newPayout: CreatePayoutRequest;

describe('request bodies', () => {
  test('a misspelt or unknown field is refused', () => {
    const { amount: _, ...withoutAmount } = newPayout;
    // @ts-expect-error `amout` is not `amount`, which is missing
    void client.POST('/v1/lms/payouts/', { body: { ...withoutAmount, amout: 5 } });
    // @ts-expect-error `purpose` is not a field of CreatePayoutRequest (openapi-fetch infers the raw
    // init, so only the shortcuts reject an extra field next to complete ones)
    void client.createPayout({ ...newPayout, purpose: 'salary' });
  });

  test('a missing required field is refused', () => {
    const { credit_bank_id: _, ...withoutBank } = newPayout;
    // @ts-expect-error credit_bank_id is required
    void client.createPayout(withoutBank);
    // @ts-expect-error utr is required to mark a payout processed
    void client.processPayout(id, { processed_at: 1693161000, debit_bank_id: id });
    // @ts-expect-error a success callback needs its utr
    void client.receivePayoutCallback({ payout_service_id: 'HDFC-1', status: 'processed' });
  });

  test('a wrong type or enum value is refused', () => {
    // @ts-expect-error amount is an integer, not a string
    void client.createPayout({ ...newPayout, amount: '120000' });
    // @ts-expect-error `swift` is not a PayoutMethod
    void client.createPayout({ ...newPayout, method: 'swift' });
    // @ts-expect-error a callback's status is processed or failed
    void client.receivePayoutCallback({ payout_service_id: 'HDFC-1', status: 'pending', utr: '1' });
  });

  test('a body is required where the spec requires one', () => {
    // @ts-expect-error Export Payout for Bank needs debit_bank_id
    void client.PUT('/v1/lms/payouts/export/', {});
    // @ts-expect-error the shortcut too
    void client.processPayout(id);
  });

  test('the spec examples compile', () => {
    void client.createPayout(newPayout);
    void client.processPayout(id, { utr: '123123123123123', processed_at: 1693161000, debit_bank_id: id });
    void client.receivePayoutCallback({ payout_service_id: 'HDFC-1', status: 'failed', failed_remark: 'Beneficiary account closed' });
    void client.exportPayoutsForBank({ debit_bank_id: id, payout_ids: [id] });
  });
});

describe('parameters', () => {
  test('a path parameter cannot be left out', () => {
    // @ts-expect-error params.path.id is required
    void client.PUT('/v1/lms/payouts/{id}/retry/');
    // @ts-expect-error params.path.id is required
    void client.PUT('/v1/lms/payouts/{id}/retry/', { params: {} });
    // @ts-expect-error the id is a string
    void client.PUT('/v1/lms/payouts/{id}/retry/', { params: { path: { id: 42 } } });
    void client.PUT('/v1/lms/payouts/{id}/retry/', { params: { path: { id } } });
  });

  test('query parameters have their types and values', () => {
    // @ts-expect-error page is a number
    void client.GET('/v1/lms/payouts/', { params: { query: { page: '2' } } });
    // @ts-expect-error is_downloaded is a boolean
    void client.listPayouts({ is_downloaded: 'yes' });
    // @ts-expect-error `paid` is not a PayoutStatus
    void client.listPayouts({ status: 'paid' });
    // @ts-expect-error ordering takes the documented fields only
    void client.listUnmatchedPayouts({ ordering: 'ref_id' });
    // @ts-expect-error Unmatched Payouts has no status filter
    void client.listUnmatchedPayouts({ status: 'processed' });
    void client.listPayouts({ status: 'pending', is_downloaded: false, page: 2, ordering: '-amount' });
  });

  test('only the paths and methods of the spec exist', () => {
    // @ts-expect-error every path of this API ends in /
    void client.GET('/v1/lms/payouts');
    // @ts-expect-error payouts cannot be deleted
    void client.DELETE('/v1/lms/payouts/');
    // @ts-expect-error the export is a PUT
    void client.GET('/v1/lms/payouts/export/');
  });
});

describe('shortcuts, made from the operation table', () => {
  test('take the path parameters in path order, then the body, then the query, then the options', () => {
    expectTypeOf(client.listPayouts).parameters.toEqualTypeOf<[query?: QueryParams<'listPayouts'>, options?: CallOptions]>();
    expectTypeOf(client.createPayout).parameters.toEqualTypeOf<[body: CreatePayoutRequest, options?: ChangeOptions]>();
    expectTypeOf(client.processPayout).parameters.toEqualTypeOf<[string, ProcessPayoutRequest, options?: ChangeOptions]>();
    expectTypeOf(client.retryFailedPayout).parameters.toEqualTypeOf<[string, options?: ChangeOptions]>();
    // The signed operation takes `sign`, and no other does.
    expectTypeOf(client.receivePayoutCallback).parameters.toEqualTypeOf<[PayoutCallback, options?: CallbackOptions]>();
    // @ts-expect-error only a signed operation takes `sign`
    void client.createPayout(newPayout, { sign: () => '' });
  });
});

describe('answers', () => {
  test('the shortcuts answer the spec models', () => {
    expectTypeOf(client.listPayouts()).resolves.toEqualTypeOf<PayoutPage>();
    expectTypeOf(client.listUnmatchedPayouts()).resolves.toEqualTypeOf<PayoutPage>();
    expectTypeOf(client.createPayout).returns.resolves.toEqualTypeOf<Payout>();
    expectTypeOf(client.processPayout).returns.resolves.toEqualTypeOf<Payout>();
    expectTypeOf(client.retryFailedPayout).returns.resolves.toEqualTypeOf<Payout>();
    expectTypeOf(client.receivePayoutCallback).returns.resolves.toEqualTypeOf<Payout>();
    expectTypeOf(client.exportPayoutsForBank).returns.resolves.toEqualTypeOf<string>();
  });

  test('a payout is typed field by field, nullable where the spec says so', () => {
    expectTypeOf<Payout['status']>().toEqualTypeOf<PayoutStatus>();
    expectTypeOf<PayoutStatus>().toEqualTypeOf<'pending' | 'initiated' | 'processed' | 'failed' | 'reversed'>();
    expectTypeOf<Payout['amount']>().toEqualTypeOf<number>();
    expectTypeOf<Payout['utr']>().toEqualTypeOf<string | null>();
    expectTypeOf<Payout['numeric_ref_id']>().toEqualTypeOf<string>();
    expectTypeOf<PayoutPage['results']>().toEqualTypeOf<Payout[]>();
  });

  test('raw results carry typed data, and typed errors', async () => {
    const list = await client.GET('/v1/lms/payouts/');
    // `branded`: openapi-fetch maps the models (for readOnly/writeOnly), so compare structure, deeply.
    expectTypeOf(list.data).branded.toEqualTypeOf<PayoutPage | undefined>();
    expectTypeOf(list.error).branded.toEqualTypeOf<ApiErrorBody | undefined>();
    expectTypeOf(unwrap(list)).branded.toEqualTypeOf<PayoutPage>();

    const file = await client.PUT('/v1/lms/payouts/export/', { body: { debit_bank_id: id } });
    expectTypeOf(unwrap(file)).toEqualTypeOf<string>();
    // Each error status has its one shape: a 400 names the fields, every other error says `detail`.
    expectTypeOf<ErrorBody<'listPayouts', 400>>().toEqualTypeOf<FieldErrors>();
    expectTypeOf<FieldErrors['non_field_errors']>().toEqualTypeOf<string[]>();
    expectTypeOf<ErrorBody<'listPayouts', 401>['detail']>().toEqualTypeOf<string>();
  });

  test('errors are typed by the statuses each operation documents', () => {
    expectTypeOf<ErrorStatus<'createPayout'>>().toEqualTypeOf<400 | 401 | 403 | 409 | 415>();
    expectTypeOf<ErrorStatus<'processPayout'>>().toEqualTypeOf<400 | 401 | 403 | 404 | 409 | 415>();
    expectTypeOf<ErrorStatus<'listPayouts'>>().toEqualTypeOf<400 | 401 | 403>();

    const caught: unknown = undefined;
    if (isPayoutsApiError(caught, 'processPayout', 409)) {
      expectTypeOf(caught.operationId).toEqualTypeOf<'processPayout'>();
      expectTypeOf(caught.status).toEqualTypeOf<409>();
      expectTypeOf(caught.body).toEqualTypeOf<ErrorBody<'processPayout', 409>>();
      expectTypeOf(caught.body.detail).toEqualTypeOf<string>();
    }
    if (isPayoutsApiError(caught)) expectTypeOf(caught.status).toEqualTypeOf<number>();
    // @ts-expect-error Create Payout documents no 404
    void isPayoutsApiError(caught, 'createPayout', 404);
    // @ts-expect-error no such operation
    void isPayoutsApiError(caught, 'deletePayout');
  });
  test('each() walks the pageable lists only, typed by the operation', () => {
    expectTypeOf<PageableOperationId>().toEqualTypeOf<'listPayouts' | 'listUnmatchedPayouts'>();
    const walking = client.each('listPayouts', { status: 'failed', account: 'a' });
    expectTypeOf(walking).toEqualTypeOf<AsyncIterable<Payout>>();
    // @ts-expect-error the walk sets the page itself
    void client.each('listPayouts', { page: 2 });
    // @ts-expect-error Create Payout is not a list
    void client.each('createPayout');
  });
});
