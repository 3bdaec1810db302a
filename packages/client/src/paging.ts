// Paging through a whole list safely, for `each()` and the React infinite hooks. Page numbers are
// wrong for money: "retry every failed payout" with `?status=failed&page=N` skips payouts, because
// each retry moves one out of the filter and page N+1 then starts further on than it should. This
// walk never asks for a page number past the first of a slice:
// - the window is fixed at the start: `created_at__lte` the newest matching payout then, so payouts
//   created during the walk do not make it longer or shift it;
// - it goes oldest first, each request starting at the creation time of the last payout it got
//   (`created_at__gte`), so a payout leaving the filter (retried, exported) moves nothing ahead of
//   the walk; the payouts at that very time it already yielded are skipped by id;
// - a run of payouts created at the same instant longer than a page (which `created_at__gte` cannot
//   step over) is read by page numbers within that instant, passes repeated until one finds nothing
//   new, then the walk steps just past it.
// What it promises: every payout that matched the filter at the start and still matches when the
// walk reaches it is yielded exactly once. What it does not: a payout that enters the filter after
// the start (a new one, or one changed into it) may or may not be met.
import type { OPERATIONS } from './generated/operations.js';
import type { OperationId, QueryParams, ResponseData } from './types.js';

/** The list operations a walk can page through (`pageable` in the operation table). */
export type PageableOperationId = { [Op in OperationId]: (typeof OPERATIONS)[Op]['pageable'] extends true ? Op : never }[OperationId];

/** The filters of a walk: the operation's query without what the walk itself sets. */
export type WalkQuery<Op extends PageableOperationId> = Omit<QueryParams<Op>, 'page' | 'page_size' | 'ordering'>;

/** One item of a pageable operation's answer. */
export type PageItem<Op extends PageableOperationId> = ResponseData<Op> extends { results: (infer Item)[] } ? Item : never;

/** The spec's largest `page_size`: the fewest requests per walk. */
export const MAX_PAGE_SIZE = 100;

/** Where a walk is: plain JSON, so that React Query can keep it as a page parameter. */
export interface WalkState {
  query: Record<string, unknown>;
  pageSize: number;
  /** The creation time of the newest matching payout at the start; unset before the first request. */
  upTo?: number;
  /** The next request starts at this creation time (inclusive). */
  from?: number;
  /** The ids already yielded that were created at exactly `from`: the next request meets them again. */
  seenAtFrom: string[];
  /** Reading a run of payouts created at the instant `from`, longer than a page, by page numbers. */
  tie?: { page: number; foundInPass: boolean };
}

export interface WalkStep<Item> {
  /** The payouts this step met for the first time, oldest first. */
  items: Item[];
  /** Where to go on from, or undefined when the walk is over. */
  next: WalkState | undefined;
}

type Listed = { id: string; created_at: number };
/** Fetches one page of the operation with these query parameters. */
export type FetchPage = (query: Record<string, unknown>) => Promise<{ results: Listed[] }>;

export function startWalk(query: Record<string, unknown> = {}, pageSize = MAX_PAGE_SIZE): WalkState {
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE)
    throw new RangeError(`pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`);
  for (const name of ['page', 'page_size', 'ordering'])
    if (query[name] !== undefined) throw new TypeError(`a walk sets "${name}" itself; leave it out of the query`);
  const from = typeof query.created_at__gte === 'number' ? query.created_at__gte : undefined;
  return { query, pageSize, from, seenAtFrom: [] };
}

/** One request of the walk, and what it met. */
export async function walkStep<Item extends Listed>(fetchPage: FetchPage, state: WalkState): Promise<WalkStep<Item>> {
  const { query, pageSize } = state;
  if (state.upTo === undefined) {
    const newest = (await fetchPage({ ...query, ordering: '-created_at', page_size: 1, page: 1 })).results[0];
    return { items: [], next: newest ? { ...state, upTo: newest.created_at } : undefined };
  }
  const seen = new Set(state.seenAtFrom);
  const fresh = (results: Listed[]) => results.filter((item) => !seen.has(item.id)) as Item[];
  if (state.tie) {
    const at = state.from!;
    const { results } = await fetchPage({
      ...query,
      ordering: 'created_at',
      created_at__gte: at,
      created_at__lte: at,
      page_size: pageSize,
      page: state.tie.page,
    });
    const items = fresh(results);
    const foundInPass = state.tie.foundInPass || items.length > 0;
    const seenAtFrom = [...state.seenAtFrom, ...items.map((item) => item.id)];
    if (results.length === pageSize) return { items, next: { ...state, seenAtFrom, tie: { page: state.tie.page + 1, foundInPass } } };
    // A pass that met something new may have moved others (the caller changed what it got): again.
    if (foundInPass) return { items, next: { ...state, seenAtFrom, tie: { page: 1, foundInPass: false } } };
    const after = nextUp(at);
    return { items, next: after > state.upTo ? undefined : { ...state, from: after, seenAtFrom: [], tie: undefined } };
  }
  const { results } = await fetchPage({
    ...query,
    ordering: 'created_at',
    ...(state.from === undefined ? {} : { created_at__gte: state.from }),
    created_at__lte: state.upTo,
    page_size: pageSize,
    page: 1,
  });
  const items = fresh(results);
  if (results.length < pageSize) return { items, next: undefined };
  const last = results.at(-1)!.created_at;
  if (state.from !== undefined && last === state.from) {
    // The whole page was created at the instant `from`: read that instant by page numbers.
    const seenAtFrom = [...state.seenAtFrom, ...items.map((item) => item.id)];
    return { items, next: { ...state, seenAtFrom, tie: { page: 2, foundInPass: items.length > 0 } } };
  }
  const seenAtFrom = results.filter((item) => item.created_at === last).map((item) => item.id);
  return { items, next: { ...state, from: last, seenAtFrom } };
}

/** The smallest number above a positive one: `created_at__gte` of it skips exactly that instant. */
function nextUp(value: number): number {
  const float = new Float64Array([value]);
  const bits = new BigUint64Array(float.buffer);
  bits[0]! += 1n;
  return float[0]!;
}

/** The walk as an async iterable: each payout once, pages fetched as the loop asks for more. An abort ends it with the signal's reason, before any further request. */
export async function* walk<Item extends Listed>(
  fetchPage: FetchPage,
  start: WalkState,
  signal?: AbortSignal,
): AsyncGenerator<Item, void, undefined> {
  let state: WalkState | undefined = start;
  while (state) {
    signal?.throwIfAborted();
    const step: WalkStep<Item> = await walkStep<Item>(fetchPage, state);
    for (const item of step.items) {
      signal?.throwIfAborted();
      yield item;
    }
    state = step.next;
  }
}
