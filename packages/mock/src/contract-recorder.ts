// A consumer contract recorded from what a caller's tests did against our mock, written as a
// Pact v4 file that `pnpm contracts verify` reads like any other. What it keeps:
// - each distinct interaction once (method, path, query, body and the status received), in a
//   stable order, so that recording again without a change lists the same interactions in the same order;
// - the request as sent, with only the headers the operation defines (its header parameters and
//   its credentials, written as placeholders, never a token or a signature) and Content-Type;
// - the status and the content type received, and the body's shape by type: a `type` rule at the
//   root, so every field the caller received is one it relies on, with the value it saw as its
//   example. A caller that reads fewer fields may delete the others from its file.
// Idempotency keys are kept as sent, so a second recording differs from the first in them only.
// What it leaves out: requests the mock refused (a test of the caller's error handling is not
// something it relies on the provider to do) and answers that broke the spec.
import { renameSync, writeFileSync } from 'node:fs';
import type { Operation } from '@payouts/model';

export interface RecordOptions {
  /** The consumer's name, as other teams and the docs page will read it: `loan-service`. */
  consumer: string;
  /** Where the Pact v4 file goes; rewritten as each new interaction arrives. */
  file: string;
  /** Default `payouts-api`. */
  provider?: string;
}

export interface RecordedExchange {
  operation: Operation;
  method: string;
  /** The path as sent, without its query. */
  path: string;
  /** The query string as sent, without its `?`. */
  search: string;
  /** The request's headers, lower-case names. */
  headers: Record<string, string | string[] | undefined>;
  /** The request body as parsed JSON; undefined when none was sent. */
  body: unknown;
  status: number;
  contentType: string;
  /** The answer's body as parsed JSON; undefined when empty. */
  answer: unknown;
}

/** A credential as the contract shows it: its form, not its value (the checker asks only that it is there, and a bearer's scheme). */
const placeholderOf = (header: string) => (header === 'Authorization' ? 'Bearer <token>' : '<credential>');

interface PactInteraction {
  key: string;
  operationId: string;
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: written to JSON as Pact v4 has it.
  json: Record<string, any>;
}

export class ContractRecorder {
  private readonly interactions = new Map<string, PactInteraction>();

  constructor(private readonly options: RecordOptions) {}

  get file(): string {
    return this.options.file;
  }

  record(exchange: RecordedExchange): void {
    const query = queryOf(exchange.search);
    const key = JSON.stringify([exchange.method, exchange.path, query, exchange.body ?? null, exchange.status]);
    if (this.interactions.has(key)) return;
    const { operation } = exchange;
    const kept = new Set([
      ...operation.parameters.filter((p) => p.in === 'header').map((p) => p.name),
      ...operation.credentialHeaders,
      'Content-Type',
    ]);
    const headers: Record<string, string[]> = {};
    for (const name of [...kept].sort()) {
      const value = exchange.headers[name.toLowerCase()];
      if (value === undefined) continue;
      headers[name] = operation.credentialHeaders.includes(name) ? [placeholderOf(name)] : [value].flat();
    }
    const request: Record<string, unknown> = { method: exchange.method, path: exchange.path };
    if (Object.keys(query).length > 0) request.query = query;
    if (Object.keys(headers).length > 0) request.headers = headers;
    if (exchange.body !== undefined) request.body = { content: exchange.body, contentType: 'application/json', encoded: false };
    const response: Record<string, unknown> = { status: exchange.status };
    if (exchange.answer !== undefined) {
      const contentType = exchange.contentType.split(';')[0]!.trim() || 'application/json';
      response.headers = { 'Content-Type': [contentType] };
      response.body = { content: exchange.answer, contentType, encoded: false };
      response.matchingRules = { body: { $: { combine: 'AND', matchers: [{ match: 'type' }] } } };
    }
    this.interactions.set(key, {
      key,
      operationId: operation.operationId,
      status: exchange.status,
      json: { type: 'Synchronous/HTTP', description: '', pending: false, request, response },
    });
    this.write();
  }

  /** The file as it stands: interactions in a stable order, each described by its operation and status. */
  toJSON(): object {
    const sorted = [...this.interactions.values()].sort((a, b) =>
      a.operationId === b.operationId ? (a.key < b.key ? -1 : 1) : a.operationId < b.operationId ? -1 : 1,
    );
    const counts = new Map<string, number>();
    for (const i of sorted) counts.set(`${i.operationId} ${i.status}`, (counts.get(`${i.operationId} ${i.status}`) ?? 0) + 1);
    const seen = new Map<string, number>();
    const interactions = sorted.map((i) => {
      const label = `${i.operationId} ${i.status}`;
      const n = (seen.get(label) ?? 0) + 1;
      seen.set(label, n);
      const description = `${i.operationId} answers ${i.status}${counts.get(label)! > 1 ? ` (${n} of ${counts.get(label)})` : ''}`;
      return { ...i.json, description };
    });
    return {
      consumer: { name: this.options.consumer },
      provider: { name: this.options.provider ?? 'payouts-api' },
      interactions,
      metadata: { pactSpecification: { version: '4.0' }, payouts: { recordedBy: '@payouts/mock' } },
    };
  }

  /** Written whole to a temporary file and renamed over the old one: a reader never sees half a contract. */
  private write(): void {
    const temporary = `${this.options.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this, null, 2)}\n`);
    renameSync(temporary, this.options.file);
  }
}

function queryOf(search: string): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(search)) query[name] = [...(query[name] ?? []), value];
  return query;
}
