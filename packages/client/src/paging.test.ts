// The walk's logic where the sandbox cannot put it on demand: runs of payouts created at the same
// instant, longer than a page, changing while they are read. The list here keeps the API's rules
// (filters, created_at__gte/__lte, ordering with ties in creation order, page numbers).
import { describe, expect, it } from 'vitest';
import { startWalk, walk } from './paging.js';

interface Row {
  id: string;
  created_at: number;
  status: string;
}

/** A list answering as List Payouts does: filtered by status and creation time, sorted, paged. */
function list(rows: Row[], requests: Record<string, unknown>[] = []) {
  return async (query: Record<string, unknown>) => {
    requests.push(query);
    const descending = query.ordering === '-created_at';
    const matching = rows
      .map((row, seq) => ({ row, seq }))
      .filter(({ row }) => query.status === undefined || row.status === query.status)
      .filter(({ row }) => query.created_at__gte === undefined || row.created_at >= (query.created_at__gte as number))
      .filter(({ row }) => query.created_at__lte === undefined || row.created_at <= (query.created_at__lte as number))
      .sort((a, b) => (a.row.created_at - b.row.created_at || a.seq - b.seq) * (descending ? -1 : 1));
    const size = query.page_size as number;
    const page = query.page as number;
    return { results: matching.slice((page - 1) * size, page * size).map(({ row }) => ({ ...row })) };
  };
}

const rows = (count: number, createdAt: (i: number) => number, status = 'failed'): Row[] =>
  Array.from({ length: count }, (_, i) => ({ id: `p${i}`, created_at: createdAt(i), status }));

describe('the walk', () => {
  it('meets each payout of a run created at one instant, longer than a page, once, while they leave the filter', async () => {
    // 23 payouts at one instant between others, pages of 5, each retried (moved out of the filter) as it is met.
    const all = [
      ...rows(4, (i) => 100 + i),
      ...rows(23, () => 200).map((r, i) => ({ ...r, id: `t${i}` })),
      ...rows(6, (i) => 300 + i).map((r, i) => ({ ...r, id: `n${i}` })),
    ];
    const met: string[] = [];
    for await (const item of walk<Row>(list(all), startWalk({ status: 'failed' }, 5))) {
      met.push(item.id);
      all.find((row) => row.id === item.id)!.status = 'pending';
    }
    expect(met.sort()).toEqual(all.map((row) => row.id).sort());
  });

  it('meets each once when nothing changes, and ends', async () => {
    const all = rows(37, (i) => 500 + Math.floor(i / 12)); // runs of 12 at each instant
    const requests: Record<string, unknown>[] = [];
    const met: string[] = [];
    for await (const item of walk<Row>(list(all, requests), startWalk({}, 5))) met.push(item.id);
    expect(met).toEqual(all.map((row) => row.id));
    expect(requests.length).toBeLessThan(40);
  });

  it('leaves out what was created after the start, and stops at the filter given', async () => {
    const all = rows(10, (i) => 10 + i);
    const met: string[] = [];
    for await (const item of walk<Row>(list(all), startWalk({ created_at__gte: 13 }, 3))) {
      met.push(item.id);
      all.push({ id: `late${met.length}`, created_at: 50 + met.length, status: 'failed' });
    }
    expect(met).toEqual(['p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9']);
  });
});
