// The hooks in a DOM (happy-dom) against a real Prism mock of the spec, through a PayoutsClient.
import { createPayoutsClient, PayoutsApiError } from '@payouts/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, configure, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeAll, describe, expect, inject, test } from 'vitest';
import { createPayoutsHooks, type PayoutsHooks } from './index.js';

// Prism on a busy CI machine can take longer than waitFor's default second.
configure({ asyncUtilTimeout: 10_000 });

const PAYOUT_ID = 'bb572e48-1d50-4a53-b5ae-37b23855f84f';
const examples = inject('requestExamples');
const NEW_PAYOUT = examples.createPayout!;
const PROCESSED = examples.processPayout!;

const mockUrl = inject('mockUrl');
let hooks: PayoutsHooks;
/** Each request the client sent, as `METHOD /path?query`. */
let sent: string[] = [];

beforeAll(() => {
  const client = createPayoutsClient({
    baseUrl: mockUrl,
    token: 'test-jwt',
    retry: false,
    fetch: (url, init) => {
      sent.push(`${init?.method} ${String(url).slice(mockUrl.length)}`);
      return fetch(url, init);
    },
  });
  hooks = createPayoutsHooks(client);
});
afterEach(() => {
  sent = [];
});

function renderWithQueryClient<T>(hook: () => T) {
  const queryClient = new QueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
  const rendered = renderHook(hook, { wrapper });
  return { ...rendered, queryClient };
}

describe('queries', () => {
  test('useListPayouts loads a typed page', async () => {
    const { result } = renderWithQueryClient(() => hooks.useListPayouts({ status: 'pending' }));
    expect(result.current.isPending).toBe(true);
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(result.current.data?.results.map((payout) => payout.status)).toEqual(['pending', 'processed']);
    expect(sent).toEqual(['GET /v1/lms/payouts/?status=pending']);
  });

  test('useListUnmatchedPayouts loads processed payouts with no statement line, through `select`', async () => {
    const { result } = renderWithQueryClient(() =>
      hooks.useListUnmatchedPayouts({ ordering: '-processed_at' }, { select: (page) => page.results.map((p) => p.transaction) }),
    );
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(result.current.data?.every((transaction) => transaction === null)).toBe(true);
  });

  test('a failed query holds the PayoutsApiError, and React Query does not retry it', async () => {
    // page_size over 100 breaks the contract on purpose: the mock answers 400 naming the parameter.
    const { result } = renderWithQueryClient(() => hooks.useListPayouts({ page_size: 500 }));
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error).toBeInstanceOf(PayoutsApiError);
    expect(result.current.error).toMatchObject({ status: 400, operationId: 'listPayouts' });
    expect(result.current.failureCount).toBe(1);
    expect(sent).toHaveLength(1);
  });
});

describe('mutations', () => {
  test('each operation answers its typed data', async () => {
    const { result } = renderWithQueryClient(() => ({
      create: hooks.useCreatePayout(),
      process: hooks.useProcessPayout(),
      retry: hooks.useRetryFailedPayout(),
      exportFile: hooks.useExportPayoutsForBank(),
    }));
    const { create, process, retry, exportFile } = result.current;
    await act(async () => {
      await expect(create.mutateAsync({ body: NEW_PAYOUT })).resolves.toMatchObject({ status: 'pending' });
      await expect(process.mutateAsync({ params: { path: { id: PAYOUT_ID } }, body: PROCESSED })).resolves.toMatchObject({
        status: 'processed',
      });
      await expect(retry.mutateAsync({ params: { path: { id: PAYOUT_ID } } })).resolves.toMatchObject({ status: 'pending' });
      const csv = await exportFile.mutateAsync({ body: examples.exportPayoutsForBank! });
      expect(csv.startsWith('payout_id,reference,amount,method,')).toBe(true);
    });
    expect(sent[0]).toBe('POST /v1/lms/payouts/');
  });

  test('a successful mutation refetches the lists on screen', async () => {
    const { result } = renderWithQueryClient(() => ({
      list: hooks.useListPayouts({ status: 'initiated' }),
      process: hooks.useProcessPayout(),
    }));
    await waitFor(() => expect(result.current.list.isSuccess).toBe(true));
    await act(() => result.current.process.mutateAsync({ params: { path: { id: PAYOUT_ID } }, body: PROCESSED }));
    expect(sent).toEqual([
      'GET /v1/lms/payouts/?status=initiated',
      `PUT /v1/lms/payouts/${PAYOUT_ID}/mark_processed/`,
      'GET /v1/lms/payouts/?status=initiated',
    ]);
  });

  test('a failed mutation holds the PayoutsApiError with the documented status and body', async () => {
    const { result } = renderWithQueryClient(() => hooks.useRetryFailedPayout());
    await act(async () => {
      await result.current.mutateAsync({ params: { path: { id: PAYOUT_ID } }, headers: { Prefer: 'code=409' } }).catch(() => undefined);
    });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error).toMatchObject({
      status: 409,
      operationId: 'retryFailedPayout',
      body: { detail: 'Payout is processed; only a failed or reversed payout can be retried.' },
    });
  });
});
