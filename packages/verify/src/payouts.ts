// Payouts the checks need in a given state, made through the provider's own operations (the API
// has no single-payout read, so a payout is found again through List Payouts).
import type { Json, SpecModel } from '@payouts/model';
import { buildRequest, type Credentials, send } from './http.js';
import { jsonRequest } from './spec.js';

export interface ListedPayout {
  id: string;
  status: string;
  utr: string | null;
  payout_service_id: string | null;
}

export class PayoutMaker {
  /** HTTP requests sent so far, for the report's count. */
  requests = 0;

  constructor(
    private readonly spec: SpecModel,
    private readonly baseUrl: string,
    private readonly credentials: Credentials,
  ) {}

  private async send(operationId: string, pathParams: Record<string, string>, query: Record<string, string>, body?: Json) {
    this.requests += 1;
    return send(buildRequest(this.baseUrl, this.credentials, this.spec.operation(operationId), pathParams, query, body));
  }

  /** The spec's example body of an operation. */
  example(operationId: string): Record<string, Json> {
    return jsonRequest(this.spec.operation(operationId))?.example as Record<string, Json>;
  }

  /** A new pending payout, from the spec's example (undefined when the provider refuses it; its own checks say why). */
  async pending(): Promise<{ id: string; loan: string } | undefined> {
    const body = this.example('createPayout');
    const created = await this.send('createPayout', {}, {}, body);
    const id = (created.body as { id?: unknown } | null)?.id;
    return created.status === 201 && typeof id === 'string' ? { id, loan: String(body.loan) } : undefined;
  }

  /** Exports a payout to the spec's example debit bank, making it initiated. */
  async export(id: string): Promise<void> {
    await this.send(
      'exportPayoutsForBank',
      {},
      {},
      { debit_bank_id: String(this.example('exportPayoutsForBank').debit_bank_id), payout_ids: [id] },
    );
  }

  /** A new initiated payout with its provider reference. */
  async initiated(): Promise<(ListedPayout & { loan: string }) | undefined> {
    const made = await this.pending();
    if (!made) return undefined;
    await this.export(made.id);
    const listed = await this.find(made.id, made.loan);
    return listed && { ...listed, loan: made.loan };
  }

  /** The payout as List Payouts shows it now. */
  async find(id: string, loan: string): Promise<ListedPayout | undefined> {
    const answer = await this.send('listPayouts', {}, { loan, page_size: '100' });
    const results = (answer.body as { results?: ListedPayout[] } | null)?.results ?? [];
    return results.find((payout) => payout.id === id);
  }
}
