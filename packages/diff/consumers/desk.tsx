// An example web app screen, as a lender's back office writes one: React Query hooks from
// @payouts/react over @payouts/client. `pnpm spec:diff` type-checks it against the head's types;
// each exported component is named after the operation it uses.
import { createPayoutsClient, type Payout } from '@payouts/client';
import { createPayoutsHooks } from '@payouts/react';

const hooks = createPayoutsHooks(createPayoutsClient({ baseUrl: '/api', getToken: async () => 'jwt' }));

const Row = ({ payout }: { payout: Payout }) => (
  <li>
    {payout.amount} to {payout.credit_bank?.account_holder_name ?? payout.account}: {payout.status}
    {payout.utr ? ` (UTR ${payout.utr})` : ''}
  </li>
);

export function listPayouts({ loan }: { loan: string }) {
  const { data } = hooks.useListPayouts({ loan, status: 'failed', page_size: 50 });
  return (
    <ul>
      {data?.results.map((payout) => (
        <Row key={payout.id} payout={payout} />
      ))}
    </ul>
  );
}

export function listUnmatchedPayouts() {
  const { data: ids } = hooks.useListUnmatchedPayouts({ ordering: '-processed_at' }, { select: (page) => page.results.map((p) => p.id) });
  return <p>{ids?.length ?? 0} paid payouts wait for a bank statement line</p>;
}

export function createPayout({ loan, account, creditBankId }: { loan: string; account: string; creditBankId: string }) {
  const create = hooks.useCreatePayout();
  const disburse = () =>
    create.mutate({
      body: { loan, account, type: 'disbursement', amount: 120000, method: 'neft', payout_to: 'borrower', credit_bank_id: creditBankId },
    });
  return (
    <button type="button" onClick={disburse}>
      Disburse
    </button>
  );
}

export function processPayout({ id, debitBankId }: { id: string; debitBankId: string }) {
  const process = hooks.useProcessPayout();
  const markPaid = (utr: string) =>
    process.mutate({ params: { path: { id } }, body: { utr, processed_at: 1693161000, debit_bank_id: debitBankId } });
  return (
    <button type="button" onClick={() => markPaid('123123123123123')}>
      Mark paid
    </button>
  );
}

export function retryFailedPayout({ id }: { id: string }) {
  const retry = hooks.useRetryFailedPayout();
  return (
    <button type="button" onClick={() => retry.mutate({ params: { path: { id } } })}>
      Retry
    </button>
  );
}

export function exportPayoutsForBank({ debitBankId, ids }: { debitBankId: string; ids: string[] }) {
  const exportFile = hooks.useExportPayoutsForBank({
    onSuccess: (csv: string) => console.log(csv.split('\r\n').length - 2, 'payouts exported'),
  });
  return (
    <button type="button" onClick={() => exportFile.mutate({ body: { debit_bank_id: debitBankId, payout_ids: ids } })}>
      Export
    </button>
  );
}
