import {
  argumentsOf,
  type EachOptions,
  type FetchPage,
  OPERATION_LIST,
  type OperationArguments,
  type OperationEntry,
  type OperationId,
  type Operations,
  type PageableOperationId,
  type PageItem,
  PayoutsApiError,
  type PayoutsClient,
  PayoutsRequestError,
  type paths,
  type ResponseData,
  startWalk,
  unwrap,
  type WalkQuery,
  type WalkState,
  type WalkStep,
  walkStep,
} from '@payouts/client';
import {
  type InfiniteData,
  type UseInfiniteQueryResult,
  type UseMutationOptions,
  type UseMutationResult,
  type UseQueryOptions,
  type UseQueryResult,
  useInfiniteQuery,
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

/** A query hook: the operation's arguments (path parameters, then the query), then React Query's options. */
type QueryHook<Op extends OperationId> = <TData = ResponseData<Op>>(
  ...args: [...OperationArguments<Op>, options?: PayoutsQueryOptions<Op, TData>]
) => UseQueryResult<TData, PayoutsError>;

type QueryOperation = { [Op in OperationId]: Operations[Op]['method'] extends 'GET' ? Op : never }[OperationId];
/** The changes a caller makes with its bearer token (not Payout Callback, which the provider signs). */
type MutationOperation = {
  [Op in OperationId]: Operations[Op]['method'] extends 'GET' ? never : Operations[Op]['bearer'] extends true ? Op : never;
}[OperationId];
type MutationOf<Op extends OperationId> = Mutation<
  Op,
  Extract<Operations[Op]['path'], keyof paths>,
  Extract<Lowercase<Operations[Op]['method']>, 'post' | 'put'>
>;

/** A page of an infinite list: the payouts it met for the first time, and where the walk goes on from. */
export interface WalkPage<Op extends PageableOperationId> {
  items: PageItem<Op>[];
  next: WalkState | undefined;
}

/**
 * An infinite list over `each()`'s walk (`@payouts/client`): `data.pages.flatMap((page) => page.items)`,
 * `fetchNextPage()`, `hasNextPage`; every payout that matched at the start once, however the list
 * changes meanwhile.
 */
type InfiniteHook<Op extends PageableOperationId> = (
  query?: WalkQuery<Op>,
  options?: Pick<EachOptions, 'pageSize'> & { enabled?: boolean },
) => UseInfiniteQueryResult<InfiniteData<WalkPage<Op>, WalkState>, PayoutsError>;

/**
 * One hook per operation a browser may call, named `use` + its operationId: a query for a GET, a
 * mutation for a change; and `useInfinite` + its operationId for each list `each()` can walk.
 */
export type PayoutsHooks = { [Op in QueryOperation as `use${Capitalize<Op>}`]: QueryHook<Op> } & {
  [Op in MutationOperation as `use${Capitalize<Op>}`]: MutationOf<Op>;
} & { [Op in PageableOperationId as `useInfinite${Capitalize<Op>}`]: InfiniteHook<Op> };

/** What a successful change may have changed: every GET's answers. */
const QUERY_PATHS = OPERATION_LIST.filter((operation) => operation.method === 'GET').map((operation) => operation.path);
const capitalized = (operationId: string) => `${operationId[0]!.toUpperCase()}${operationId.slice(1)}`;
const hookName = (operationId: string) => `use${capitalized(operationId)}`;

/**
 * The client's own retries already covered what retrying can fix, and an error the API answered
 * will not change on a second try: React Query retries only other failures.
 */
function retryQuery(failureCount: number, error: unknown): boolean {
  return !(error instanceof PayoutsApiError || error instanceof PayoutsRequestError) && failureCount < 3;
}

/**
 * React Query hooks over a `PayoutsClient` (its auth, retries and timeouts apply), made from the
 * client's operation table: a query for each GET, a mutation for each change a caller makes. A
 * successful mutation refetches every query. Payout Callback has no hook: the payout provider
 * signs it with a secret no browser may hold.
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

  /** A mutation hook that refetches every query once the operation succeeded. */
  function refreshingMutation(method: string, path: string): MutationOf<MutationOperation> {
    return (options = {}) => {
      const queryClient = useQueryClient();
      const mutation = api.useMutation(
        method.toLowerCase() as never,
        path as never,
        {
          ...options,
          onSuccess: async (...args: Parameters<NonNullable<typeof options.onSuccess>>) => {
            await Promise.all(QUERY_PATHS.map((queryPath) => queryClient.invalidateQueries({ queryKey: ['get', queryPath] })));
            return options.onSuccess?.(...args);
          },
        } as never,
      );
      // openapi-react-query types a failure as the error body; the view above throws PayoutsErrors.
      return mutation as never;
    };
  }

  /** A query hook: its arguments taken as the client's shortcut takes them. */
  function query(operation: OperationEntry) {
    return (...args: unknown[]) => {
      const { path, query, options } = argumentsOf(operation, args);
      return api.useQuery(
        'get',
        operation.path as never,
        { params: { path, query } } as never,
        {
          retry: retryQuery,
          ...(options as object | undefined),
        } as never,
      );
    };
  }

  /** An infinite list: each page is the walk's next steps up to the first that meets payouts (or the end). */
  function infinite(operation: OperationEntry) {
    const list = client[operation.operationId as PageableOperationId] as unknown as (
      query: unknown,
      options: { signal?: AbortSignal },
    ) => ReturnType<FetchPage>;
    return (walkQuery: Record<string, unknown> = {}, { pageSize, enabled }: { pageSize?: number; enabled?: boolean } = {}) =>
      useInfiniteQuery({
        // Under the list's own key: a change that refetches the list refetches its walk too.
        queryKey: ['get', operation.path, 'walk', walkQuery, pageSize],
        initialPageParam: startWalk(walkQuery, pageSize),
        queryFn: async ({ pageParam, signal }) => {
          const fetchPage: FetchPage = (page) => list(page, { signal });
          let state: WalkState | undefined = pageParam;
          const items: unknown[] = [];
          while (state && items.length === 0) {
            const step: WalkStep<{ id: string; created_at: number }> = await walkStep(fetchPage, state);
            items.push(...step.items);
            state = step.next;
          }
          return { items, next: state };
        },
        getNextPageParam: (last: { next: WalkState | undefined }) => last.next,
        retry: retryQuery,
        enabled,
      });
  }

  const hooks: Record<string, unknown> = {};
  for (const operation of OPERATION_LIST) {
    if (operation.method === 'GET') hooks[hookName(operation.operationId)] = query(operation);
    else if (operation.bearer) hooks[hookName(operation.operationId)] = refreshingMutation(operation.method, operation.path);
    if (operation.pageable) hooks[`useInfinite${capitalized(operation.operationId)}`] = infinite(operation);
  }
  return hooks as PayoutsHooks;
}
