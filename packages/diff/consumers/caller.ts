// An example caller, as a lender's service writes one: every operation a caller makes, through
// @payouts/client, using the fields a service relies on. `pnpm spec:diff` type-checks it against
// the head's types; a function that no longer compiles names the operation that broke it.
import { createPayoutsClient, type Payout } from '@payouts/client';

const client = createPayoutsClient({ baseUrl: 'https://preprod.api.crego.io', getToken: async () => 'jwt' });

/** What the lender's ledger keeps of each payout. */
interface LedgerLine {
  id: string;
  amount: number;
  utr: string | null;
  processedAt: number | null;
  state: 'to send' | 'sent' | 'paid' | 'bounced' | 'returned';
}

/** Exhaustive on purpose: a status this service does not know must not pass silently. */
function stateOf(status: Payout['status']): LedgerLine['state'] {
  switch (status) {
    case 'pending':
      return 'to send';
    case 'initiated':
      return 'sent';
    case 'processed':
      return 'paid';
    case 'failed':
      return 'bounced';
    case 'reversed':
      return 'returned';
    default: {
      const unknown: never = status;
      throw new Error(`unknown payout status ${unknown}`);
    }
  }
}

const railOf = (method: Payout['method']): 'batch' | 'instant' => {
  switch (method) {
    case 'neft':
    case 'rtgs':
      return 'batch';
    case 'imps':
      return 'instant';
    default: {
      const unknown: never = method;
      throw new Error(`unknown payout method ${unknown}`);
    }
  }
};

const toLedgerLine = (payout: Payout): LedgerLine => ({
  id: payout.id,
  amount: payout.amount,
  utr: payout.utr,
  processedAt: payout.processed_at,
  state: stateOf(payout.status),
});

export async function createPayout(loan: string, account: string, creditBankId: string): Promise<LedgerLine> {
  const payout = await client.createPayout({
    loan,
    account,
    type: 'disbursement',
    amount: 120000,
    method: 'neft',
    payout_to: 'borrower',
    credit_bank_id: creditBankId,
  });
  return toLedgerLine(payout);
}

export async function listPayouts(loan: string): Promise<LedgerLine[]> {
  const page = await client.listPayouts({ loan, status: 'failed', page: 1, page_size: 50 });
  return page.results.map(toLedgerLine);
}

export async function exportPayoutsForBank(debitBankId: string, ids: string[]): Promise<string> {
  return client.exportPayoutsForBank({ debit_bank_id: debitBankId, payout_ids: ids });
}

export async function processPayout(id: string, utr: string, debitBankId: string): Promise<LedgerLine> {
  const payout = await client.processPayout(id, { utr, processed_at: 1693161000, debit_bank_id: debitBankId });
  return toLedgerLine(payout);
}

export async function retryFailedPayout(id: string): Promise<'batch' | 'instant'> {
  const payout = await client.retryFailedPayout(id);
  return railOf(payout.method);
}

export async function listUnmatchedPayouts(): Promise<LedgerLine[]> {
  const page = await client.listUnmatchedPayouts({ ordering: '-processed_at' });
  return page.results.map(toLedgerLine);
}
