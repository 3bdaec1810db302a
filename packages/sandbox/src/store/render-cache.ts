// Payouts as answered, by id, with their JSON. An entry is used only while its version is the
// row's (another process on the same database moves the version too), so the cache is never stale; it
// only spares turning SQLite rows into objects and JSON again, which is most of a list's cost.
import type { Payout, PayoutPage } from '../types.js';

const CACHED_PAYOUTS = 20_000;

export interface Rendered {
  version: number;
  payout: Payout;
  json: string;
}

/**
 * The JSON of answers built from cached parts (a payout, a page of payouts), so that the HTTP side
 * sends it as it is instead of serialising the same objects again. Equal to JSON.stringify(answer).
 */
const prerendered = new WeakMap<object, string>();

export function prerenderedJson(answer: object): string | undefined {
  return prerendered.get(answer);
}

/** A page whose JSON is joined from its payouts' cached JSON. */
export function renderedPage(count: number, page: number, pageSize: number, payouts: Rendered[]): PayoutPage {
  const answer: PayoutPage = { count, current_page: page, page_size: pageSize, results: payouts.map((r) => r.payout) };
  prerendered.set(
    answer,
    `{"count":${count},"current_page":${page},"page_size":${pageSize},"results":[${payouts.map((r) => r.json).join(',')}]}`,
  );
  return answer;
}

export class RenderCache {
  private readonly entries = new Map<string, Rendered>();

  /** The payout at this version: cached, or built by `build` and cached (least recently built goes first). */
  get(id: string, version: number, build: () => Payout): Rendered {
    const cached = this.entries.get(id);
    if (cached?.version === version) return cached;
    const entry = RenderCache.render(version, build);
    this.entries.delete(id);
    this.entries.set(id, entry);
    if (this.entries.size > CACHED_PAYOUTS) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }

  /** A payout rendered without being cached. */
  static render(version: number, build: () => Payout): Rendered {
    const payout = Object.freeze(build());
    const json = JSON.stringify(payout);
    // Frozen, so the JSON stays true: an answer of this payout is sent (and recorded) as it is.
    prerendered.set(payout, json);
    return { version, payout, json };
  }

  /** The entry for an id if it is at this version. */
  at(id: string, version: number): Rendered | undefined {
    const cached = this.entries.get(id);
    return cached?.version === version ? cached : undefined;
  }

  /** Entries built from changes that were rolled back carry versions the rows may reach again. */
  clear(): void {
    this.entries.clear();
  }
}
