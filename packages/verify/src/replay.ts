// Idempotent replays, on any provider: each state-changing operation is sent twice with one
// Idempotency-Key, as a client does when an answer is lost, and the repeat must answer the first
// answer (status and body, byte for byte) and change nothing. The operations run in the order of a
// payout's life: create, export, a failure callback, retry, export again, process.
import { randomUUID } from 'node:crypto';
import type { Json, Operation } from '@payouts/model';
import { buildRequest, curlLine, type Exchange, send } from './http.js';
import { PayoutMaker } from './payouts.js';
import type { Check } from './report.js';
import type { CheckSuite, SuiteResult, VerifyContext } from './suite.js';

export const REPLAYED = ['createPayout', 'exportPayoutsForBank', 'receivePayoutCallback', 'retryFailedPayout', 'processPayout'];

export const replaySuite: CheckSuite = { name: 'idempotent replays', run: checkReplays };

async function checkReplays({ spec, baseUrl, credentials, only }: VerifyContext): Promise<SuiteResult> {
  if (only && !REPLAYED.includes(only)) return { checks: [], requests: 0, skipped: [] };
  const checks: Check[] = [];
  const payouts = new PayoutMaker(spec, baseUrl, credentials);
  let requests = 0;

  const twice = async (operationId: string, pathParams: Record<string, string>, body?: Json): Promise<Exchange> => {
    const op = spec.operation(operationId);
    const request = buildRequest(baseUrl, credentials, op, pathParams, {}, body);
    request.headers['idempotency-key'] = `payouts-verify-${randomUUID()}`;
    const first = await send(request);
    const again = await send(request);
    requests += 2;
    checks.push(judge(op, first, again, credentials.token));
    return first;
  };
  const result = (skipped: string[] = []) => ({
    checks: only ? checks.filter((check) => check.operationId === only) : checks,
    requests: requests + payouts.requests,
    skipped,
  });

  const createBody = payouts.example('createPayout');
  const created = await twice('createPayout', {}, createBody);
  const id = String((created.body as { id?: unknown } | null)?.id ?? '');
  const loan = String(createBody.loan);
  const bank = String(payouts.example('exportPayoutsForBank').debit_bank_id);
  await twice('exportPayoutsForBank', {}, { debit_bank_id: bank, payout_ids: [id] });
  if (credentials.callbackSecret) {
    const reference = (await payouts.find(id, loan))?.payout_service_id ?? '';
    await twice(
      'receivePayoutCallback',
      {},
      { payout_service_id: reference, status: 'failed', failed_remark: 'payouts-verify: idempotent replay' },
    );
    await twice('retryFailedPayout', { id });
    await payouts.export(id);
  }
  await twice('processPayout', { id }, payouts.example('processPayout'));
  return result(
    credentials.callbackSecret
      ? []
      : ['idempotent replay of receivePayoutCallback and retryFailedPayout (a payout fails only by a signed callback)'],
  );
}

function judge(op: Operation, first: Exchange, again: Exchange, token: string): Check {
  const succeeded = first.status >= 200 && first.status < 300;
  const same = again.status === first.status && again.text === first.text;
  const details: string[] = [];
  if (!succeeded) details.push(`the first request itself answered ${first.status}: ${first.text.slice(0, 200)}`);
  if (again.status !== first.status) details.push(`the repeat answered ${again.status} where the first answered ${first.status}`);
  else if (again.text !== first.text) details.push(`the repeat answered another body: ${again.text.slice(0, 200)}`);
  return {
    operationId: op.operationId,
    name: 'idempotent replay: the same Idempotency-Key answers the first answer',
    field: 'header Idempotency-Key',
    source: { kind: 'verify', suite: 'idempotent replay' },
    passed: succeeded && same,
    expected: `the first answer again (${first.status}, the same body byte for byte), and no second change`,
    got: same ? `${again.status}, the same body` : `${again.status}, ${again.text === first.text ? 'the same body' : 'another body'}`,
    details,
    curl: curlLine(again.request, token),
  };
}
