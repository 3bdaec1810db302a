// One handler per operationId of the spec, typed from the generated types: a handler that is
// missing, or that answers a body the spec does not describe, fails the type-check. Handlers are
// synchronous changes: the HTTP side runs each in a write (or a read), where an Idempotency-Key's
// first answer is recorded with the change it made.
import type { PayoutStore } from './store/payout-store.js';
import type { Answer, Input, OperationId } from './types.js';

export type Handlers = { [O in OperationId]: (input: Input<O>, store: PayoutStore) => Answer<O> };

export const handlers: Handlers = {
  listPayouts: ({ query }, store) => ({ status: 200, body: store.pageNow(query, { expandRecord: query.expand === 'record' }) }),

  createPayout: ({ body }, store) => ({ status: 201, body: store.createNow(body) }),

  processPayout: ({ params, body }, store) => ({ status: 200, body: store.markProcessedNow(params.id, body) }),

  retryFailedPayout: ({ params }, store) => ({ status: 200, body: store.retryNow(params.id) }),

  receivePayoutCallback: ({ body }, store) => ({ status: 200, body: store.callbackNow(body) }),

  listUnmatchedPayouts: ({ query }, store) => ({ status: 200, body: store.pageNow(query, { unmatched: true }) }),

  exportPayoutsForBank: ({ body }, store) => {
    const file = store.exportForBankNow(body);
    return {
      status: 200,
      contentType: 'text/csv',
      body: file.csv,
      headers: { 'Content-Disposition': `attachment; filename="${file.fileName}"` },
    };
  },
};
