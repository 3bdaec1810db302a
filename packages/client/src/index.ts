export {
  argumentsOf,
  type CallbackOptions,
  type CallOptions,
  type ChangeOptions,
  createPayoutsClient,
  type EachOptions,
  OPERATION_LIST,
  type OperationArguments,
  type OperationEntry,
  type Operations,
  PAYOUTS_OPERATIONS,
  type PayoutsClient,
  type PayoutsClientOptions,
  type PayoutsShortcuts,
  type Shortcut,
} from './client.js';
export { isPayoutsApiError, PayoutsApiError, PayoutsRequestError, type RequestFailure, unwrap } from './errors.js';
export {
  type FetchPage,
  MAX_PAGE_SIZE,
  type PageableOperationId,
  type PageItem,
  startWalk,
  type WalkQuery,
  type WalkState,
  type WalkStep,
  walk,
  walkStep,
} from './paging.js';
export type { RetryOptions } from './retry.js';
export type * from './types.js';
