// The store below HTTP: its page JSON is exactly what JSON.stringify would make, and its cache of
// rendered payouts never answers a payout another connection has changed since.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { loadSpec } from '@payouts/spec';
import { afterEach, expect, it } from 'vitest';
import { type Db, openDb } from '../db.js';
import { seedBanks, seedDemo } from '../seed.js';
import { CREDIT_BANK, DEBIT_BANK, newPayout, tempDir } from '../testing.js';
import { PayoutStore } from './payout-store.js';
import { prerenderedJson } from './render-cache.js';

const spec = loadSpec();
const opened: Db[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const db of opened.splice(0)) db.close();
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

function store(file?: string): PayoutStore {
  const db = openDb(file);
  opened.push(db);
  const s = new PayoutStore(db);
  seedBanks(s, spec);
  return s;
}

it('answers page JSON equal to JSON.stringify of the page, for payouts in every status', async () => {
  const s = store();
  await seedDemo(s);
  for (const query of [{}, { page_size: 2, page: 2 }, { status: 'processed' as const }, { page: 50 }]) {
    const page = await s.list(query);
    expect(prerenderedJson(page)).toBe(JSON.stringify(page));
  }
  // With expand=record the page is built anew, and serialised as usual.
  const expanded = await s.list({}, { expandRecord: true });
  expect(prerenderedJson(expanded)).toBeUndefined();
  expect(expanded.results.some((p) => typeof p.record === 'object' && p.record !== null)).toBe(true);
  expect((await s.list({})).results.every((p) => p.record === null || typeof p.record === 'string')).toBe(true);
});

it('sees a change made through another connection to the same file', async () => {
  const dir = await tempDir();
  dirs.push(dir);
  const file = join(dir, 'shared.db');
  const mine = store(file);
  const theirs = store(file);
  const created = await mine.create({ ...(newPayout() as Parameters<PayoutStore['create']>[0]), credit_bank_id: CREDIT_BANK });
  expect((await mine.list({})).results[0]!.status).toBe('pending'); // now cached here
  await theirs.exportForBank({ debit_bank_id: DEBIT_BANK, payout_ids: [created.id] });
  expect((await mine.list({})).results[0]).toMatchObject({ id: created.id, status: 'initiated', is_downloaded: true });
  await theirs.markProcessed(created.id, { utr: 'U1', processed_at: 1700000000, debit_bank_id: DEBIT_BANK });
  const seen = (await mine.list({})).results[0]!;
  expect(seen).toMatchObject({ status: 'processed', utr: 'U1' });
  expect(prerenderedJson(await mine.list({}))).toContain('"utr":"U1"');
});
