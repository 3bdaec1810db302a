// The simulated bank: after an export, it settles each payout in the bank file by itself, as a
// payout provider would, through the same signed Payout Callback a real provider sends. The
// callback goes through the sandbox's own route (Fastify's inject): the same signature check with
// the tenant's secret, validation, Idempotency-Key and handler as any other callback. Which outcome
// a payout gets is chosen by its amount (OUTCOMES, the table the spec's description shows too).
import { randomInt } from 'node:crypto';
import { SIGNATURE_HEADER, signCallback } from '@payouts/callbacks';
import type { FastifyInstance } from 'fastify';
import type { PayoutStore } from './store/payout-store.js';
import type { Tenants } from './tenants.js';
import type { Payout } from './types.js';

export const BANK_KINDS = ['simulated', 'none'] as const;
export type BankKind = (typeof BANK_KINDS)[number];

/** How long the simulated bank waits after an export before it settles, unless told otherwise. */
export const DEFAULT_BANK_DELAY_SECONDS = 2;

/** What the bank does with one payout. */
export type Outcome = 'processed' | 'failed' | 'reversed' | 'unanswered' | 'processed-twice';

/** Remarks of the failures and the reversal, in a bank's words. */
export const REMARKS = {
  closed: 'Beneficiary account closed',
  ifsc: 'Invalid IFSC code: no such branch',
  reversed: 'Beneficiary account frozen after credit',
} as const;

/**
 * The outcome of each payout by its amount's last two digits (amount % 100); every amount not
 * listed, every multiple of 100 among them, is paid. Decided here; the spec's description and
 * admin/openapi.yaml show it as a table (bank.test.ts holds them to it).
 */
export const OUTCOMES: { ending: number; outcome: Outcome; remark?: string }[] = [
  { ending: 1, outcome: 'failed', remark: REMARKS.closed },
  { ending: 2, outcome: 'failed', remark: REMARKS.ifsc },
  { ending: 3, outcome: 'reversed', remark: REMARKS.reversed },
  { ending: 4, outcome: 'unanswered' },
  { ending: 5, outcome: 'processed-twice' },
];

export function outcomeOf(amount: number): { outcome: Outcome; remark?: string } {
  const row = OUTCOMES.find((o) => o.ending === amount % 100);
  return row ? { outcome: row.outcome, ...(row.remark ? { remark: row.remark } : {}) } : { outcome: 'processed' };
}

/** A 12-digit UTR, as NEFT and IMPS give. */
const newUtr = () => String(randomInt(100_000_000_000, 1_000_000_000_000));

/** What is wrong with a bank setting of a tenants file or Create Tenant, if anything. */
export function bankSettingProblem(bank: unknown, delay: unknown): string | undefined {
  if (bank !== undefined && !BANK_KINDS.includes(bank as BankKind)) return `"bank" must be one of ${BANK_KINDS.join(', ')}`;
  if (delay !== undefined && (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0 || delay > 3600))
    return '"bank_delay" must be a number of seconds from 0 to 3600';
  return undefined;
}

export interface BankOptions {
  /** The sandbox's own setting (--bank), for every tenant that has none of its own. */
  kind: BankKind;
  /** Seconds from the export to the callbacks (--bank-delay). */
  delaySeconds: number;
}

export class SimulatedBank {
  private readonly timers = new Set<NodeJS.Timeout>();
  /** The Host its callbacks name: the sandbox's own, once it listens (a foreign Host is refused). */
  private host = 'localhost';

  constructor(
    private readonly app: FastifyInstance,
    private readonly tenants: Tenants,
    private readonly callbackPath: string,
    private readonly options: BankOptions,
    private readonly log: (line: string) => void,
  ) {}

  listening(port: number): void {
    this.host = `localhost:${port}`;
  }

  /** Settles every payout of each committed export whose tenant's bank is the simulated one. */
  listen(store: PayoutStore): void {
    store.onExport((tenant, payouts) => void this.exported(tenant, payouts).catch((error) => this.log(`bank: ${error.message}`)));
  }

  private async exported(tenant: string, payouts: Payout[]): Promise<void> {
    const own = await this.tenants.bankOf(tenant);
    if ((own.bank ?? this.options.kind) !== 'simulated') return;
    const delay = own.bank_delay ?? this.options.delaySeconds;
    for (const payout of payouts) {
      const { outcome, remark } = outcomeOf(payout.amount);
      if (outcome === 'unanswered') continue;
      const reference = payout.payout_service_id!;
      this.later(delay, async () => {
        if (outcome === 'failed') return this.send(tenant, { payout_service_id: reference, status: 'failed', failed_remark: remark });
        const paid = { payout_service_id: reference, status: 'processed', utr: newUtr() };
        await this.send(tenant, paid);
        if (outcome === 'processed-twice') await this.send(tenant, paid);
        if (outcome === 'reversed')
          this.later(delay, () => this.send(tenant, { payout_service_id: reference, status: 'reversed', remark: remark! }));
      });
    }
  }

  /**
   * Settles one payout now (the explicit trigger, POST /_sandbox/payouts/{id}/settle), with the
   * outcome asked for; its status was checked by the caller.
   */
  settleNow(tenant: string, payout: Payout, outcome: 'processed' | 'failed' | 'reversed', remark?: string): void {
    const reference = payout.payout_service_id!;
    const body =
      outcome === 'processed'
        ? { payout_service_id: reference, status: 'processed', utr: newUtr() }
        : outcome === 'failed'
          ? { payout_service_id: reference, status: 'failed', failed_remark: remark ?? REMARKS.closed }
          : { payout_service_id: reference, status: 'reversed', remark: remark ?? REMARKS.reversed };
    this.later(0, () => this.send(tenant, body));
  }

  /** Forgets every settlement still to come (the sandbox is stopping). */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private later(seconds: number, work: () => Promise<unknown>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work().catch((error: Error) => this.log(`bank: ${error.message}`));
    }, seconds * 1000);
    this.timers.add(timer);
  }

  /** The callback, signed with the tenant's secret, through the sandbox's own route. */
  private async send(tenant: string, body: Record<string, unknown>): Promise<void> {
    const secret = await this.tenants.callbackSecretOf(tenant);
    if (secret === undefined) return; // the tenant was dropped meanwhile: nothing of it is left to settle
    const payload = JSON.stringify(body);
    const answer = await this.app.inject({
      method: 'POST',
      url: this.callbackPath,
      headers: { host: this.host, 'content-type': 'application/json', [SIGNATURE_HEADER]: signCallback(payload, secret) },
      payload,
    });
    if (answer.statusCode !== 200)
      this.log(`bank: the ${body.status} callback for ${body.payout_service_id} was answered ${answer.statusCode}: ${answer.body}`);
  }
}
