// What a new sandbox knows before anyone calls it: the lender's debit bank accounts and the
// beneficiaries' verified accounts (payouts name them by id), and on request demo payouts in every
// status. The spec's own example banks are among them, so the spec's example requests work as is.
import { randomUUID } from 'node:crypto';
import type { SpecModel } from '@payouts/model';
import { DEFAULT_TENANT, type PayoutStore } from './store/payout-store.js';
import type { CreditBank, DebitBank } from './types.js';

const LENDER_COMPANY = '3c1f2a9e-6b7d-4e8f-9a0b-1c2d3e4f5a6b';

const EXTRA_DEBIT_BANKS: DebitBank[] = [
  {
    id: '0b7c5e1a-9d2f-4c3b-8a6e-1f0d2c3b4a59',
    created_at: 1690871500.25,
    updated_at: 1690871500.25,
    account_no: '001205009876',
    tags: ['refunds'],
    account_holder_name: 'Crego Capital Pvt Ltd',
    ifsc: 'ICIC0000012',
    account_type: 'current',
    is_verified: true,
    name_at_bank: 'CREGO CAPITAL PRIVATE LIMITED',
    company: LENDER_COMPANY,
  },
];

const EXTRA_CREDIT_BANKS: CreditBank[] = [
  {
    id: '4a1c9e7b-3d5f-4e2a-b8c6-0d9e8f7a6b51',
    ifsc: 'SBIN0004321',
    tags: ['dealer'],
    summary: ['Verified from a cancelled cheque'],
    bank_name: 'State Bank of India',
    account_no: '38927164520',
    banking_id: 'BEN-000517',
    created_at: 1692612000.5,
    updated_at: 1692612000.5,
    branch_name: 'Koramangala, Bengaluru',
    is_verified: true,
    program_ids: ['7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d'],
    account_type: 'current',
    account_holder_name: 'Sharma Auto Parts, Dealer',
  },
  {
    id: 'e2d4f6a8-1b3c-4d5e-9f70-8a9b0c1d2e3f',
    ifsc: 'UTIB0000456',
    tags: ['anchor'],
    summary: ['Anchor settlement account'],
    bank_name: 'Axis Bank',
    account_no: '917020045612378',
    banking_id: 'BEN-000001',
    created_at: 1690000000.75,
    updated_at: 1690000000.75,
    branch_name: 'Fort, Mumbai',
    is_verified: true,
    program_ids: ['7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d'],
    account_type: 'current',
    account_holder_name: 'Tata Steel Ltd',
  },
];

/** The known banks: the spec's example accounts and a few more. */
export function seedBanks(store: PayoutStore, spec: SpecModel): Promise<void> {
  const examples = spec.document.components?.schemas ?? {};
  const debit = [examples.DebitBank?.example, ...EXTRA_DEBIT_BANKS].filter(Boolean) as DebitBank[];
  const credit = [examples.CreditBank?.example, ...EXTRA_CREDIT_BANKS].filter(Boolean) as CreditBank[];
  return store.seedBanks(debit, credit);
}

/**
 * Demo payouts in every status, made through the same operations callers use. Only into a tenant
 * with no payouts: answers how many payouts it made (0 when there were payouts already).
 */
export function seedDemo(store: PayoutStore, spec: SpecModel, tenant = DEFAULT_TENANT): Promise<number> {
  return store.write(tenant, async (payouts) => {
    if ((await payouts.count()) > 0) return 0;
    const [debitBank] = EXTRA_DEBIT_BANKS;
    const borrowerBank = spec.document.components?.schemas?.CreditBank?.example as CreditBank;
    const banks = [borrowerBank.id, EXTRA_CREDIT_BANKS[0]!.id, EXTRA_CREDIT_BANKS[1]!.id];
    const loan = randomUUID();
    const account = randomUUID();
    const make = (amount: number, type: 'disbursement' | 'tranche' | 'topup' | 'refund', method: 'neft' | 'rtgs' | 'imps', to: number) =>
      payouts.create({
        loan,
        account,
        type,
        amount,
        method,
        payout_to: (['borrower', 'merchant', 'anchor'] as const)[to]!,
        credit_bank_id: banks[to]!,
        ...(type === 'topup' ? { topup: randomUUID() } : {}),
      });

    const paidByStatement = await make(500000, 'disbursement', 'rtgs', 0);
    const paidByCallback = await make(120000, 'tranche', 'neft', 1);
    const reconciled = await make(75000, 'topup', 'imps', 2);
    const refused = await make(42000, 'refund', 'imps', 0);
    const inFlight = await make(98000, 'tranche', 'neft', 1);
    const returned = await make(64000, 'disbursement', 'imps', 2);
    const toExport = [paidByStatement.id, paidByCallback.id, reconciled.id, refused.id, inFlight.id, returned.id];
    const file = await payouts.exportForBank({ debit_bank_id: debitBank!.id, payout_ids: toExport });
    const reference = (id: string) => file.payouts.find((p) => p.id === id)!.payout_service_id!;
    const day = Math.floor(Date.now() / 1000);
    await payouts.markProcessed(paidByStatement.id, { utr: 'ICIC000512345678', processed_at: day, debit_bank_id: debitBank!.id });
    await payouts.callback({ payout_service_id: reference(paidByCallback.id), status: 'processed', utr: 'N3240112345678' });
    await payouts.callback({ payout_service_id: reference(reconciled.id), status: 'processed', utr: 'IMPS409911223344' });
    await payouts.match(reconciled.id, randomUUID());
    await payouts.callback({ payout_service_id: reference(refused.id), status: 'failed', failed_remark: 'Beneficiary account closed' });
    await payouts.callback({ payout_service_id: reference(returned.id), status: 'processed', utr: 'IMPS409955667788' });
    await payouts.callback({
      payout_service_id: reference(returned.id),
      status: 'reversed',
      remark: 'Beneficiary account frozen after credit',
    });
    await make(250000, 'disbursement', 'neft', 0);
    await make(30000, 'refund', 'imps', 0);
    return payouts.count();
  });
}
