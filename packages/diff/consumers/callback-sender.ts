// An example callback sender, as the payout provider's integration writes one: it signs and sends
// Payout Callback with @payouts/callbacks and @payouts/client, and reads the answer.
// `pnpm spec:diff` type-checks it against the head's types.
import { signCallback } from '@payouts/callbacks';
import { createPayoutsClient } from '@payouts/client';

const lms = createPayoutsClient({ baseUrl: 'https://preprod.api.crego.io' });
export async function receivePayoutCallback(
  secret: string,
  reference: string,
  bankUtr: string | undefined,
  reason: string,
): Promise<string> {
  const sign = (raw: string) => signCallback(raw, secret);
  const answer = bankUtr
    ? await lms.receivePayoutCallback(
        { payout_service_id: reference, status: 'processed', utr: bankUtr, processed_at: 1693161000 },
        { sign },
      )
    : await lms.receivePayoutCallback({ payout_service_id: reference, status: 'failed', failed_remark: reason }, { sign });
  return `${answer.id} is ${answer.status}`;
}
