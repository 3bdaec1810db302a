// Idempotent replays, on any provider: each state-changing operation is sent twice with one
// Idempotency-Key, as a client does when an answer is lost, and the repeat must answer the first
// answer (status and body, byte for byte) and change nothing. The operations run in the order of a
// payout's life: create, export, a failure callback, retry, export again, process.
import { randomUUID } from 'node:crypto';
import type { Json, Operation, SpecModel } from '@payouts/model';
import { buildRequest, curlLine, type Exchange, send } from './http.js';
import type { Check } from './report.js';
import { jsonRequest } from './spec.js';

export const REPLAYED = ['createPayout', 'exportPayoutsForBank', 'receivePayoutCallback', 'retryFailedPayout', 'processPayout'];

export async function checkReplays(
  spec: SpecModel,
  baseUrl: string,
  token: string,
  only?: string,
): Promise<{ checks: Check[]; requests: number }> {
  if (only && !REPLAYED.includes(only)) return { checks: [], requests: 0 };
  const checks: Check[] = [];
  let requests = 0;
  const example = (operationId: string) => jsonRequest(spec.operation(operationId))?.example as Record<string, Json>;

  const twice = async (operationId: string, pathParams: Record<string, string>, body?: Json): Promise<Exchange> => {
    const op = spec.operation(operationId);
    const request = buildRequest(baseUrl, token, op, pathParams, {}, body);
    request.headers['idempotency-key'] = `payouts-verify-${randomUUID()}`;
    const first = await send(request);
    const again = await send(request);
    requests += 2;
    checks.push(judge(op, first, again, token));
    return first;
  };
  /** The payout's current reference, as List Payouts shows it (the API has no single-payout read). */
  const referenceOf = async (id: string, loan: string): Promise<string> => {
    const list = spec.operation('listPayouts');
    const answer = await send(buildRequest(baseUrl, token, list, {}, { loan, page_size: '100' }));
    requests += 1;
    const results = (answer.body as { results?: { id: string; payout_service_id: string | null }[] } | null)?.results ?? [];
    return results.find((payout) => payout.id === id)?.payout_service_id ?? '';
  };

  const createBody = example('createPayout');
  const created = await twice('createPayout', {}, createBody);
  const id = String((created.body as { id?: unknown } | null)?.id ?? '');
  const loan = String(createBody.loan);
  const bank = String(example('exportPayoutsForBank').debit_bank_id);
  await twice('exportPayoutsForBank', {}, { debit_bank_id: bank, payout_ids: [id] });
  const reference = await referenceOf(id, loan);
  await twice(
    'receivePayoutCallback',
    {},
    { payout_service_id: reference, status: 'failed', failed_remark: 'payouts-verify: idempotent replay' },
  );
  await twice('retryFailedPayout', { id });
  await send(buildRequest(baseUrl, token, spec.operation('exportPayoutsForBank'), {}, {}, { debit_bank_id: bank, payout_ids: [id] }));
  requests += 1;
  await twice('processPayout', { id }, example('processPayout'));
  return { checks: only ? checks.filter((check) => check.operationId === only) : checks, requests };
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
