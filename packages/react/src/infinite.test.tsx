// The infinite lists in a DOM (happy-dom) against a real sandbox whose list changes while it is
// read: every payout that matched at the start, once, page after page.
import { randomUUID } from 'node:crypto';
import { createPayoutsClient } from '@payouts/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, configure, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { expect, inject, test } from 'vitest';
import { createPayoutsHooks } from './index.js';

configure({ asyncUtilTimeout: 10_000 });

const DEBIT_BANK = 'f808a4b5-d281-4988-8261-8c7ac0a8abbc';
const client = createPayoutsClient({ baseUrl: inject('sandboxUrl'), token: 'test-token' });
const hooks = createPayoutsHooks(client);
const newPayout = inject('requestExamples').createPayout!;

test('useInfiniteListPayouts pages through every payout once while they are exported', async () => {
  const account = randomUUID();
  const ids: string[] = [];
  for (let i = 0; i < 23; i++) ids.push((await client.createPayout({ ...newPayout, account })).id);
  const queryClient = new QueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
  const { result } = renderHook(() => hooks.useInfiniteListPayouts({ account, status: 'pending' }, { pageSize: 5 }), { wrapper });
  await waitFor(() => expect(result.current.isSuccess).toBe(true));
  for (let pages = 1; result.current.hasNextPage; pages++) {
    // What this page showed is exported (it leaves the `pending` filter) before the next is asked for.
    const shown = result.current.data!.pages.at(-1)!.items.map((payout) => payout.id);
    if (shown.length > 0) await client.exportPayoutsForBank({ debit_bank_id: DEBIT_BANK, payout_ids: shown });
    await act(() => result.current.fetchNextPage());
    await waitFor(() => expect(result.current.data!.pages).toHaveLength(pages + 1));
  }
  const met = result.current.data!.pages.flatMap((page) => page.items.map((payout) => payout.id));
  expect(met).toEqual(ids);
  expect(result.current.hasNextPage).toBe(false);
});

test('useInfiniteListUnmatchedPayouts is typed and empty for an account with nothing processed', async () => {
  const queryClient = new QueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
  const account = randomUUID();
  const { result } = renderHook(() => hooks.useInfiniteListUnmatchedPayouts({ account }), { wrapper });
  await waitFor(() => expect(result.current.isSuccess).toBe(true));
  const items: { transaction: string | null }[] = result.current.data!.pages.flatMap((page) => page.items);
  expect(items).toEqual([]);
  expect(result.current.hasNextPage).toBe(false);
});
