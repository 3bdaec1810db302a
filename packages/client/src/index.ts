export { createPayoutsClient, type CallOptions, type PayoutsClient, type PayoutsClientOptions } from './client.js';
export { isPayoutsApiError, PayoutsApiError, PayoutsRequestError, unwrap, type RequestFailure } from './errors.js';
export type { RetryOptions } from './retry.js';
export type * from './types.js';
