// A small stateful provider that follows the spec, for developing the checks before the sandbox
// lands and for testing them where it cannot run. The tests prefer the real sandbox
// (@payouts/sandbox); see provider.ts.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { escapePointer, Spec, type Operation, type Schema } from '../spec.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
type Payout = Record<string, unknown> & { id: string; status: string; created_at: number };
interface Reply {
  status: number;
  body: unknown;
  type?: string;
}

const now = () => Date.now() / 1000;
const fail = (status: number, body: unknown): Reply => ({ status, body });

export async function startFixtureProvider(options: { tokens: string[] }): Promise<{ url: string; stop(): Promise<void> }> {
  const spec = Spec.load();
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(spec.document, 'openapi.json');
  const bodyValidators = new Map<string, ValidateFunction>();
  const examples = spec.document.components.examples;
  const creditBank = examples.PendingPayout.value.credit_bank;
  const debitBank = examples.ProcessedPayout.value.debit_bank;
  const payouts = new Map<string, Payout>();
  const idempotency = new Map<string, { body: string; id: string }>();
  let serial = 0;

  function validate(op: Operation, url: URL, pathParams: Record<string, string>, body: unknown): Record<string, string[]> | undefined {
    const errors: Record<string, string[]> = {};
    for (const param of op.parameters) {
      const schema = spec.resolve<Schema>(param.schema);
      const raw = param.in === 'path' ? pathParams[param.name] : param.in === 'query' ? url.searchParams.get(param.name) : null;
      if (raw === null || raw === undefined) continue;
      const value = schema.type === 'integer' || schema.type === 'number' ? Number(raw) : schema.type === 'boolean' ? { true: true, false: false }[raw] : raw;
      const ok = ajv.validate({ ...schema, $ref: undefined, ...(schema.$ref ? spec.resolve(schema) : {}) }, value);
      if (!ok) errors[param.name] = [`Invalid value ${JSON.stringify(raw)}.`];
    }
    if (op.requestBody) {
      const ref = `openapi.json${op.pointer}/requestBody/content/${escapePointer('application/json')}/schema`;
      let check = bodyValidators.get(ref);
      if (!check) bodyValidators.set(ref, (check = ajv.compile({ $ref: ref })));
      if (!check(body)) {
        for (const error of check.errors ?? []) {
          const field = error.keyword === 'required' ? String(error.params.missingProperty) : error.instancePath.split('/')[1] || 'non_field_errors';
          (errors[field] ??= []).push(error.message ?? 'Invalid.');
        }
      }
    }
    return Object.keys(errors).length ? errors : undefined;
  }

  const page = (items: Payout[], url: URL): Reply => {
    const ordering = url.searchParams.get('ordering') ?? '-created_at';
    const key = ordering.replace(/^-/, '');
    const sign = ordering.startsWith('-') ? -1 : 1;
    items.sort((a, b) => sign * (Number(a[key] ?? 0) - Number(b[key] ?? 0)));
    const size = Number(url.searchParams.get('page_size') ?? 15);
    const current = Number(url.searchParams.get('page') ?? 1);
    return { status: 200, body: { count: items.length, current_page: current, page_size: size, results: items.slice((current - 1) * size, current * size) } };
  };

  const handlers: Record<string, (url: URL, ids: Record<string, string>, body: any, headers: IncomingMessage['headers']) => Reply> = {
    listPayouts(url) {
      const q = url.searchParams;
      const filters = ['status', 'type', 'method', 'payout_to', 'loan', 'account', 'topup'].filter((name) => q.has(name));
      const items = [...payouts.values()].filter(
        (p) =>
          filters.every((name) => p[name] === q.get(name)) &&
          (!q.has('is_downloaded') || String(p.is_downloaded) === q.get('is_downloaded')) &&
          (!q.has('search') || [p.ref_id, p.utr].some((v) => typeof v === 'string' && v.toLowerCase().includes(q.get('search')!.toLowerCase()))) &&
          (!q.has('created_at__gte') || p.created_at >= Number(q.get('created_at__gte'))) &&
          (!q.has('created_at__lte') || p.created_at <= Number(q.get('created_at__lte'))),
      );
      return page(items, url);
    },
    listUnmatchedPayouts(url) {
      const q = url.searchParams;
      const items = [...payouts.values()].filter(
        (p) =>
          p.status === 'processed' &&
          p.transaction === null &&
          (!q.has('processed_at__gte') || Number(p.processed_at) >= Number(q.get('processed_at__gte'))) &&
          (!q.has('processed_at__lte') || Number(p.processed_at) <= Number(q.get('processed_at__lte'))),
      );
      return page(items, url);
    },
    createPayout(_url, _ids, body, headers) {
      const key = headers['idempotency-key'];
      const text = JSON.stringify(body);
      if (typeof key === 'string' && idempotency.has(key)) {
        const first = idempotency.get(key)!;
        if (first.body !== text) return fail(409, { detail: `Idempotency-Key ${key} was used with a different request body.` });
        return { status: 201, body: payouts.get(first.id) };
      }
      const created = now();
      serial += 1;
      const payout: Payout = {
        id: randomUUID(), created_at: created, updated_at: created, type: body.type, ref_id: `PAY-FX-${String(serial).padStart(6, '0')}`,
        numeric_ref_id: String(900000 + serial), index: 0, amount: body.amount, method: body.method, status: 'pending',
        payout_service_id: null, processed_at: null, bank_date: null, date: null, failed_remark: null, utr: null, debit_bank: null,
        credit_bank: { ...creditBank, id: body.credit_bank_id }, payout_to: body.payout_to, is_downloaded: false, is_imported: false,
        sent_to_gl: false, account: body.account, topup: body.topup ?? null, loan: body.loan, record: null, transaction: null,
      };
      payouts.set(payout.id, payout);
      if (typeof key === 'string') idempotency.set(key, { body: text, id: payout.id });
      return { status: 201, body: payout };
    },
    exportPayoutsForBank(_url, _ids, body) {
      const chosen = body.payout_ids ? body.payout_ids.map((id: string) => payouts.get(id) ?? id) : [...payouts.values()].filter((p) => p.status === 'pending' && !p.is_downloaded);
      const missing = chosen.find((p: Payout | string) => typeof p === 'string');
      if (missing) return fail(404, { detail: `No Payout matches ${missing}.` });
      const blocked = chosen.find((p: Payout) => p.status !== 'pending');
      if (blocked) return fail(409, { detail: `Payout ${blocked.id} is ${blocked.status}; only pending payouts can be exported.` });
      const lines = ['payout_id,reference,amount,method,beneficiary_name,beneficiary_account_no,beneficiary_ifsc,debit_account_no'];
      for (const p of chosen as Payout[]) {
        serial += 1;
        Object.assign(p, { status: 'initiated', is_downloaded: true, payout_service_id: `FX-NEFT-${serial}`, updated_at: now() });
        lines.push([p.id, p.payout_service_id, p.amount, p.method, creditBank.account_holder_name, creditBank.account_no, creditBank.ifsc, debitBank.account_no].join(','));
      }
      return { status: 200, type: 'text/csv', body: `${lines.join('\r\n')}\r\n` };
    },
    processPayout(_url, ids, body) {
      const p = payouts.get(ids.id);
      if (!p) return fail(404, { detail: 'No Payout matches the given query.' });
      if (p.status !== 'initiated') return fail(409, { detail: `Payout is ${p.status}; only an initiated payout can be marked processed.` });
      Object.assign(p, { status: 'processed', utr: body.utr, processed_at: body.processed_at, date: body.processed_at, debit_bank: { ...debitBank, id: body.debit_bank_id }, updated_at: now() });
      return { status: 200, body: p };
    },
    retryFailedPayout(_url, ids) {
      const p = payouts.get(ids.id);
      if (!p) return fail(404, { detail: 'No Payout matches the given query.' });
      if (p.status !== 'failed') return fail(409, { detail: `Payout is ${p.status}; only a failed payout can be retried.` });
      Object.assign(p, { status: 'pending', failed_remark: null, payout_service_id: null, is_downloaded: false, updated_at: now() });
      return { status: 200, body: p };
    },
    receivePayoutCallback(_url, _ids, body) {
      const p = [...payouts.values()].find((candidate) => candidate.payout_service_id === body.payout_service_id);
      if (!p) return fail(404, { detail: `No Payout has payout_service_id ${body.payout_service_id}.` });
      if (p.status === body.status) return { status: 200, body: p };
      if (p.status !== 'initiated') return fail(409, { detail: `Payout is ${p.status}; a ${body.status} callback cannot change it.` });
      if (body.status === 'processed') Object.assign(p, { status: 'processed', utr: body.utr, processed_at: body.processed_at ?? Math.floor(now()), updated_at: now() });
      else Object.assign(p, { status: 'failed', failed_remark: body.failed_remark, updated_at: now() });
      return { status: 200, body: p };
    },
  };

  function route(method: string, url: URL): { op: Operation; ids: Record<string, string> } | undefined {
    for (const op of spec.operations) {
      if (op.method !== method.toLowerCase()) continue;
      const names: string[] = [];
      const pattern = new RegExp(`^${op.path.replace(/\{([^}]+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'))}$`);
      const match = pattern.exec(url.pathname);
      if (match) return { op, ids: Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])])) };
    }
    return undefined;
  }

  async function handle(request: IncomingMessage): Promise<Reply> {
    const url = new URL(request.url ?? '/', 'http://fixture');
    const found = route(request.method ?? 'GET', url);
    if (!found) return fail(404, { detail: 'Not found.' });
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!token || !options.tokens.includes(token)) return fail(401, { detail: 'Authentication credentials were not provided.' });
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body: unknown;
    try {
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
    } catch {
      return fail(400, { non_field_errors: ['JSON parse error.'] });
    }
    const errors = validate(found.op, url, found.ids, body);
    if (errors) return fail(400, errors);
    return handlers[found.op.operationId](url, found.ids, body, request.headers);
  }

  const server = createServer((request, response: ServerResponse) => {
    void handle(request).then((reply) => {
      const type = reply.type ?? 'application/json';
      response.writeHead(reply.status, { 'content-type': type });
      response.end(type === 'application/json' ? JSON.stringify(reply.body) : String(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
