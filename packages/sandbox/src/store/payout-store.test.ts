// The store below HTTP: its page JSON is exactly what JSON.stringify would make, and its cache of
// rendered payouts never answers a payout another connection (or process) has changed since.
import { loadSpec } from '@payouts/spec';
import { afterEach, describe, expect, it } from 'vitest';
import { seedBanks, seedDemo } from '../seed.js';
import { newDb, STORES } from '../test-support/stores.js';
import { CREDIT_BANK, DEBIT_BANK, newPayout } from '../testing.js';
import type { Payout } from '../types.js';
import type { Database, Tx } from './database.js';
import { openDatabase } from './open-database.js';
import { PayoutStore } from './payout-store.js';
import { prerenderedJson } from './render-cache.js';

const spec = loadSpec();
const opened: PayoutStore[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

async function store(db?: string, wrap: (database: Database) => Database = (database) => database): Promise<PayoutStore> {
  const s = new PayoutStore(wrap(await openDatabase(db)));
  opened.push(s);
  await seedBanks(s, spec);
  return s;
}

/** `database`, with `seen` called after each statement a read answers (and before its rows are used). */
function readsSeen(database: Database, seen: (sql: string, rows: unknown[]) => void | Promise<void>): Database {
  return Object.assign(Object.create(database) as Database, {
    read: <T>(query: Parameters<Database['read']>[0]) =>
      database.read(
        (tx) =>
          query({
            ...tx,
            all: async <Row>(sql: string, ...params: unknown[]) => {
              const rows = await tx.all<Row>(sql, ...params);
              await seen(sql, rows);
              return rows;
            },
          }) as Promise<T>,
      ),
  });
}

describe.each(STORES)('on %s', (kind) => {
  it('answers page JSON equal to JSON.stringify of the page, for payouts in every status', async () => {
    const s = await store(await newDb(kind));
    await seedDemo(s, spec);
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

  it('sees a change made through another connection to the same database', async () => {
    const db = await newDb(kind);
    const mine = await store(db);
    const theirs = await store(db);
    const created = await mine.create({ ...(newPayout() as Parameters<PayoutStore['create']>[0]), credit_bank_id: CREDIT_BANK });
    expect((await mine.list({})).results[0]!.status).toBe('pending'); // now cached here
    await theirs.exportForBank({ debit_bank_id: DEBIT_BANK, payout_ids: [created.id] });
    expect((await mine.list({})).results[0]).toMatchObject({ id: created.id, status: 'initiated', is_downloaded: true });
    await theirs.markProcessed(created.id, { utr: 'U1', processed_at: 1700000000, debit_bank_id: DEBIT_BANK });
    const seen = (await mine.list({})).results[0]!;
    expect(seen).toMatchObject({ status: 'processed', utr: 'U1' });
    expect(prerenderedJson(await mine.list({}))).toContain('"utr":"U1"');
  });

  it('answers the create and each move of a payout as the database then holds it, read through another connection', async () => {
    const db = await newDb(kind);
    const mine = await store(db);
    const theirs = await store(db);
    // The JSON on the wire: the same fields in the same order, each of the same type.
    const stored = async (answered: Payout) => {
      const read = (await theirs.list({})).results.find((p) => p.id === answered.id);
      expect(JSON.stringify(read)).toBe(JSON.stringify(answered));
      return answered;
    };
    const created = await stored(
      await mine.create({ ...(newPayout() as Parameters<PayoutStore['create']>[0]), credit_bank_id: CREDIT_BANK, topup: null }),
    );
    expect(created).toMatchObject({ status: 'pending', index: 0, topup: null, debit_bank: null });
    const exported = async () =>
      (await mine.exportForBank({ debit_bank_id: DEBIT_BANK, payout_ids: [created.id] })).payouts[0]!.payout_service_id!;
    const first = await exported();
    await stored(await mine.markProcessed(created.id, { utr: 'U1', processed_at: 1700000000, debit_bank_id: DEBIT_BANK }));
    await stored(await mine.callback({ payout_service_id: first, status: 'reversed', remark: 'returned', reversed_at: 1700000100 }));
    await stored(await mine.retry(created.id));
    const second = await exported();
    await stored(await mine.callback({ payout_service_id: second, status: 'failed', failed_remark: 'account closed' }));
    await stored(await mine.retry(created.id));
    const third = await exported();
    const paid = await stored(await mine.callback({ payout_service_id: third, status: 'processed', utr: 'U3', processed_at: 1700000200 }));
    expect(paid).toMatchObject({ status: 'processed', utr: 'U3', payout_service_id: third, failed_remark: null, reversed_at: null });
  });

  it('never answers a count kept from before a change, made here or through another connection', async () => {
    const db = await newDb(kind);
    const mine = await store(db);
    const theirs = await store(db);
    const payout = () => ({ ...(newPayout() as Parameters<PayoutStore['create']>[0]), credit_bank_id: CREDIT_BANK });
    await mine.create(payout());
    expect((await mine.list({})).count).toBe(1);
    expect((await mine.list({ status: 'pending' })).count).toBe(1);
    await theirs.create(payout());
    expect((await mine.list({})).count).toBe(2);
    await mine.create(payout());
    expect((await mine.list({})).count).toBe(3);
    const [first] = (await theirs.list({})).results;
    await theirs.exportForBank({ debit_bank_id: DEBIT_BANK, payout_ids: [first!.id] });
    expect((await mine.list({ status: 'pending' })).count).toBe(2);
    expect((await mine.list({}, {}, 'another-tenant')).count).toBe(0);
  });

  it('a change whose required row is missing fails before its next read answers, and commits nothing when only writes follow', async () => {
    const database = (await store(await newDb(kind))).database;
    const missing = () => new Error('the debit bank is gone');
    const requireBank = (tx: Tx, id: string) => tx.require('SELECT id FROM debit_banks WHERE id = ?', [id], missing);
    const written = (id: string) => database.read((tx) => tx.get('SELECT id FROM credit_banks WHERE id = ?', id));
    const insert = (tx: Tx, id: string) => tx.run('INSERT INTO credit_banks (id, document) VALUES (?, ?)', id, '{}');

    let readAnswered = false;
    const thenRead = database.write(async (tx) => {
      await requireBank(tx, 'no-such-bank');
      await insert(tx, 'bank-before-a-read');
      await tx.get('SELECT id FROM debit_banks WHERE id = ?', DEBIT_BANK);
      readAnswered = true;
    });
    await expect(thenRead).rejects.toThrow('the debit bank is gone');
    expect(readAnswered).toBe(false);
    expect(await written('bank-before-a-read')).toBeUndefined();

    await expect(database.write((tx) => requireBank(tx, 'no-such-bank').then(() => insert(tx, 'bank-before-commit')))).rejects.toThrow(
      'the debit bank is gone',
    );
    expect(await written('bank-before-commit')).toBeUndefined();

    await database.write((tx) => requireBank(tx, DEBIT_BANK).then(() => insert(tx, 'bank-required-and-there')));
    expect(await written('bank-required-and-there')).toEqual({ id: 'bank-required-and-there' });
  });
});

describe('on postgres', () => {
  it('reads a page again when another process moves one of its payouts between its versions and its rows, so it never mixes two moments', async () => {
    const db = await newDb('postgres');
    const theirs = await store(db);
    const created = await theirs.create({ ...(newPayout() as Parameters<PayoutStore['create']>[0]), credit_bank_id: CREDIT_BANK });
    await theirs.exportForBank({ debit_bank_id: DEBIT_BANK, payout_ids: [created.id] });
    let pageReads = 0;
    // Right after this process has read the page's ids and versions (and before its rows), the
    // other process pays the payout.
    const mine = await store(db, (database) =>
      readsSeen(database, async (sql) => {
        if (sql.includes('SELECT page.id') && ++pageReads === 1)
          await theirs.markProcessed(created.id, { utr: 'U1', processed_at: 1700000000, debit_bank_id: DEBIT_BANK });
      }),
    );
    const initiated = await mine.list({ status: 'initiated' });
    expect(pageReads).toBe(2);
    expect(initiated).toMatchObject({ count: 0, results: [] });
    expect((await mine.list({ status: 'processed' })).results).toMatchObject([{ id: created.id, status: 'processed', utr: 'U1' }]);
  });

  it('counts a list of payouts again only once a payout is created, by any process, where only a create changes what it matches', async () => {
    const db = await newDb('postgres');
    const theirs = await store(db);
    const counts: string[] = [];
    // What this process asks PostgreSQL to count, one entry per statement that counts.
    const mine = await store(db, (database) =>
      readsSeen(database, (sql, rows) => {
        const total = (rows[0] as { total?: number | null } | undefined)?.total;
        if (sql.includes('count(*)') && total !== undefined && total !== null)
          counts.push(sql.includes('status = ?') ? 'status' : sql.includes('loan = ?') ? 'loan' : 'all');
      }),
    );
    const payout = () => ({ ...(newPayout() as Parameters<PayoutStore['create']>[0]), credit_bank_id: CREDIT_BANK });
    const first = await theirs.create(payout());
    expect((await mine.list({})).count).toBe(1);
    expect((await mine.list({ loan: first.loan })).count).toBe(1);
    expect((await mine.list({ status: 'pending' })).count).toBe(1);
    expect(counts).toEqual(['all', 'loan', 'status']);
    // A move changes what a status filter matches, and nothing else's count.
    await theirs.exportForBank({ debit_bank_id: DEBIT_BANK, payout_ids: [first.id] });
    expect((await mine.list({})).count).toBe(1);
    expect((await mine.list({ loan: first.loan })).count).toBe(1);
    expect((await mine.list({ status: 'initiated' })).count).toBe(1);
    expect(counts).toEqual(['all', 'loan', 'status', 'status']);
    // A create in another process, and one in this one: every list counts again.
    const second = await theirs.create({ ...payout(), loan: first.loan });
    expect((await mine.list({})).count).toBe(2);
    expect((await mine.list({ loan: first.loan })).count).toBe(2);
    await mine.create(payout());
    expect((await mine.list({})).count).toBe(3);
    expect((await mine.list({ loan: second.loan })).count).toBe(2);
    // Another page of the same filter: the same count, kept.
    expect(await mine.list({ page: 2, page_size: 2 })).toMatchObject({ count: 3, results: [{}] });
    expect(counts).toEqual(['all', 'loan', 'status', 'status', 'all', 'loan', 'all', 'loan']);
    expect((await mine.list({}, {}, 'another-tenant')).count).toBe(0);
  });
});
