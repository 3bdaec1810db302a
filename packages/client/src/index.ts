export {
  type CallbackOptions,
  type CallOptions,
  type ChangeOptions,
  createPayoutsClient,
  type PayoutsClient,
  type PayoutsClientOptions,
} from './client.js';
export { isPayoutsApiError, PayoutsApiError, PayoutsRequestError, type RequestFailure, unwrap } from './errors.js';
export type { RetryOptions } from './retry.js';
export type * from './types.js';
