// Starts a real sandbox on a free loopback port with a real SQLite file in a fresh temp folder,
// and sends it real HTTP requests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIGNATURE_HEADER, signCallback } from '@payouts/callbacks';
import { type Sandbox, type SandboxOptions, startSandbox } from './sandbox.js';
import type { Payout } from './types.js';

export { createDatabase, type PostgresCluster, startPostgresCluster } from './postgres-cluster.js';

export const TOKEN = 'test-token';
/** The callback secret of test sandboxes; `call` signs callbacks with it unless told otherwise. */
export const CALLBACK_SECRET = 'test-callback-secret';
const CALLBACK_PATH = '/v1/lms/payouts/callback/';
export const DEBIT_BANK = 'f808a4b5-d281-4988-8261-8c7ac0a8abbc';
export const CREDIT_BANK = '9d3b7a1e-2f4c-4b8a-9e6d-5c0f1a2b3c4d';

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface TestSandbox extends Sandbox {
  dir: string;
  dbFile: string;
  call<T = any>(method: string, path: string, options?: CallOptions): Promise<Answer<T>>;
  /** Stops the sandbox and removes its folder. */
  dispose(): Promise<void>;
}

export interface CallOptions {
  body?: unknown;
  raw?: string;
  /** The bearer token; TOKEN when absent, none when null. */
  token?: string | null;
  /** The secret a callback is signed with; CALLBACK_SECRET when absent, unsigned when null. */
  callbackSecret?: string | null;
  headers?: Record<string, string>;
}

/** Anything that sends requests to a sandbox: a TestSandbox, or `{ call: (m, p, o) => call(url, m, p, o) }`. */
export type Caller = Pick<TestSandbox, 'call'>;

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'payouts-sandbox-'));
}

export async function startTestSandbox(options: SandboxOptions = {}, dir?: string): Promise<TestSandbox> {
  const folder = dir ?? (await tempDir());
  const dbFile = options.db ?? join(folder, 'sandbox.db');
  const errors: string[] = [];
  const sandbox = await startSandbox({
    tokens: [TOKEN],
    callbackSecrets: [CALLBACK_SECRET],
    log: (line) => errors.push(line),
    ...options,
    db: dbFile,
  });
  return {
    ...sandbox,
    dir: folder,
    dbFile,
    call: (method, path, callOptions = {}) => call(sandbox.url, method, path, callOptions),
    async dispose() {
      await sandbox.stop();
      if (!dir) await rm(folder, { recursive: true, force: true });
      // An answer that broke the spec, or an internal error, fails the test that caused it.
      if (errors.length > 0) throw new Error(`the sandbox reported:\n${errors.join('\n')}`);
    },
  };
}

export async function call<T = any>(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? TOKEN : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  // A callback comes from the provider: signed, as the spec says, unless the test says otherwise.
  const secret = options.callbackSecret === undefined ? CALLBACK_SECRET : options.callbackSecret;
  if (path.startsWith(CALLBACK_PATH) && secret !== null && !Object.keys(headers).some((h) => h.toLowerCase() === 'x-payout-signature')) {
    headers[SIGNATURE_HEADER] = signCallback(body ?? '', secret);
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').startsWith('application/json');
  return { status: response.status, headers: response.headers, body: (json ? JSON.parse(text) : text) as T, text };
}

let counter = 0;

/** A valid Create Payout body; each call is for a new loan unless one is given. */
export function newPayout(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  const suffix = String(counter).padStart(12, '0');
  return {
    loan: `0f1e2d3c-4b5a-4697-8877-${suffix}`,
    account: `5e4d3c2b-1a09-4f8e-8d7c-${suffix}`,
    type: 'disbursement',
    amount: 1000 * counter,
    method: 'neft',
    payout_to: 'borrower',
    credit_bank_id: CREDIT_BANK,
    ...overrides,
  };
}

/** Creates a payout and exports it, so it is initiated; answers it as it is now. */
export async function initiatedPayout(sandbox: Caller, overrides: Record<string, unknown> = {}): Promise<Payout> {
  const created = await sandbox.call<Payout>('POST', '/v1/lms/payouts/', { body: newPayout(overrides) });
  if (created.status !== 201) throw new Error(`create answered ${created.status}: ${created.text}`);
  const exported = await sandbox.call('PUT', '/v1/lms/payouts/export/', {
    body: { debit_bank_id: DEBIT_BANK, payout_ids: [created.body.id] },
  });
  if (exported.status !== 200) throw new Error(`export answered ${exported.status}: ${exported.text}`);
  return payout(sandbox, created.body.id);
}

/** Creates a payout, exports it and fails it with a callback. */
export async function failedPayout(sandbox: Caller, overrides: Record<string, unknown> = {}): Promise<Payout> {
  const initiated = await initiatedPayout(sandbox, overrides);
  const failed = await sandbox.call<Payout>('POST', '/v1/lms/payouts/callback/', {
    body: { payout_service_id: initiated.payout_service_id, status: 'failed', failed_remark: 'Beneficiary account closed' },
  });
  if (failed.status !== 200) throw new Error(`callback answered ${failed.status}: ${failed.text}`);
  return failed.body;
}

/** The payout as List Payouts shows it (the API has no single-payout read). */
export async function payout(sandbox: Caller, id: string): Promise<Payout> {
  for (let page = 1; ; page++) {
    const answer = await sandbox.call<{ results: Payout[] }>('GET', `/v1/lms/payouts/?page_size=100&page=${page}`);
    const found = answer.body.results.find((p) => p.id === id);
    if (found) return found;
    if (answer.body.results.length === 0) throw new Error(`payout ${id} is not listed`);
  }
}
