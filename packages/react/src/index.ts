import {
  type OperationId,
  PayoutsApiError,
  type PayoutsClient,
  PayoutsRequestError,
  type paths,
  type QueryParams,
  type ResponseData,
  unwrap,
} from '@payouts/client';
import {
  type UseMutationOptions,
  type UseMutationResult,
  type UseQueryOptions,
  type UseQueryResult,
  useQueryClient,
} from '@tanstack/react-query';
import type { Client, MaybeOptionalInit } from 'openapi-fetch';
import createQueryClient from 'openapi-react-query';

/** What a hook fails with: the API answered an error, or the request got no answer. */
export type PayoutsError = PayoutsApiError | PayoutsRequestError;

export type PayoutsQueryOptions<Op extends OperationId, TData = ResponseData<Op>> = Omit<
  UseQueryOptions<ResponseData<Op>, PayoutsError, TData>,
  'queryKey' | 'queryFn'
>;

/** A mutation's variables: the operation's typed request options (`params`, `body`, `headers`). */
export type PayoutsMutationVariables<Path extends keyof paths, Method extends 'post' | 'put'> = MaybeOptionalInit<paths[Path], Method>;

export type PayoutsMutationOptions<Op extends OperationId, Variables> = Omit<
  UseMutationOptions<ResponseData<Op>, PayoutsError, Variables>,
  'mutationKey' | 'mutationFn'
>;

type Mutation<Op extends OperationId, Path extends keyof paths, Method extends 'post' | 'put'> = (
  options?: PayoutsMutationOptions<Op, PayoutsMutationVariables<Path, Method>>,
) => UseMutationResult<ResponseData<Op>, PayoutsError, PayoutsMutationVariables<Path, Method>>;

export interface PayoutsHooks {
  useListPayouts<TData = ResponseData<'listPayouts'>>(
    query?: QueryParams<'listPayouts'>,
    options?: PayoutsQueryOptions<'listPayouts', TData>,
  ): UseQueryResult<TData, PayoutsError>;
  useListUnmatchedPayouts<TData = ResponseData<'listUnmatchedPayouts'>>(
    query?: QueryParams<'listUnmatchedPayouts'>,
    options?: PayoutsQueryOptions<'listUnmatchedPayouts', TData>,
  ): UseQueryResult<TData, PayoutsError>;
  useCreatePayout: Mutation<'createPayout', '/v1/lms/payouts/', 'post'>;
  useProcessPayout: Mutation<'processPayout', '/v1/lms/payouts/{id}/mark_processed/', 'put'>;
  useRetryFailedPayout: Mutation<'retryFailedPayout', '/v1/lms/payouts/{id}/retry/', 'put'>;
  useExportPayoutsForBank: Mutation<'exportPayoutsForBank', '/v1/lms/payouts/export/', 'put'>;
}

const LIST_PATHS = ['/v1/lms/payouts/', '/v1/lms/payouts/unmatched/'] as const;

/**
 * The client's own retries already covered what retrying can fix, and an error the API answered
 * will not change on a second try: React Query retries only other failures.
 */
function retryQuery(failureCount: number, error: unknown): boolean {
  return !(error instanceof PayoutsApiError || error instanceof PayoutsRequestError) && failureCount < 3;
}

/**
 * React Query hooks over a `PayoutsClient` (its auth, retries and timeouts apply): queries for the
 * two lists, mutations for the operations callers make. A successful mutation refetches both lists.
 * Payout Callback has no hook: the payout provider signs it with a secret no browser may hold.
 */
export function createPayoutsHooks(client: PayoutsClient): PayoutsHooks {
  // openapi-react-query throws a failed result's body; this view throws a PayoutsApiError instead,
  // with the status and the operation, also when the body is empty.
  const throwing = { ...client } as Client<paths>;
  for (const method of ['GET', 'POST', 'PUT'] as const) {
    const send = client[method] as (path: string, init: unknown) => Promise<{ response: Response }>;
    (throwing as unknown as Record<string, unknown>)[method] = async (path: string, init: unknown) => {
      const result = await send(path, init);
      unwrap(result);
      return result;
    };
  }
  const api = createQueryClient<paths>(throwing);

  /** A mutation hook that refetches both lists once the operation succeeded. */
  function listRefreshingMutation<Op extends OperationId, Path extends keyof paths, Method extends 'post' | 'put'>(
    method: Method,
    path: Path,
  ): Mutation<Op, Path, Method> {
    return (options = {}) => {
      const queryClient = useQueryClient();
      const mutation = api.useMutation(
        method,
        path as never,
        {
          ...options,
          onSuccess: async (...args: Parameters<NonNullable<typeof options.onSuccess>>) => {
            await Promise.all(LIST_PATHS.map((listPath) => queryClient.invalidateQueries({ queryKey: ['get', listPath] })));
            return options.onSuccess?.(...args);
          },
        } as never,
      );
      // openapi-react-query types a failure as the error body; the view above throws PayoutsErrors.
      return mutation as unknown as ReturnType<Mutation<Op, Path, Method>>;
    };
  }

  return {
    useListPayouts: (query, options) =>
      api.useQuery('get', '/v1/lms/payouts/', { params: { query } }, { retry: retryQuery, ...options } as never) as never,
    useListUnmatchedPayouts: (query, options) =>
      api.useQuery('get', '/v1/lms/payouts/unmatched/', { params: { query } }, { retry: retryQuery, ...options } as never) as never,
    useCreatePayout: listRefreshingMutation('post', '/v1/lms/payouts/'),
    useProcessPayout: listRefreshingMutation('put', '/v1/lms/payouts/{id}/mark_processed/'),
    useRetryFailedPayout: listRefreshingMutation('put', '/v1/lms/payouts/{id}/retry/'),
    useExportPayoutsForBank: listRefreshingMutation('put', '/v1/lms/payouts/export/'),
  };
}
