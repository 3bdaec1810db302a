// The database file: data survives a restart (of the library and of the CLI process), the schema
// is created and versioned by the app, and a file from a newer sandbox is refused by name.

import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requestHash } from './store/idempotency.js';
import { Db, openDb, SCHEMA_VERSION } from './store/sqlite-connection.js';
import { spawnSandbox } from './test-support/process.js';
import { execute, newDb, STORES } from './test-support/stores.js';
import { DEBIT_BANK, initiatedPayout, newPayout, startTestSandbox, TOKEN, tempDir } from './testing.js';
import type { Payout, PayoutPage } from './types.js';

/** The payout columns of schema version 1. */
const V1_PAYOUT_COLUMNS = `seq, id, created_at, updated_at, type, ref_id, numeric_ref_id, idx, amount, method, status, payout_service_id,
  processed_at, bank_date, date, failed_remark, utr, debit_bank_id, export_debit_bank_id, credit_bank_id, payout_to, is_downloaded,
  is_imported, sent_to_gl, account, topup, loan, record_id, transaction_id`;

const dirs: string[] = [];
const newDir = async () => {
  const dir = await tempDir();
  dirs.push(dir);
  return dir;
};

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe.each(STORES)('a database (%s)', (kind) => {
  it('keeps payouts, their states and idempotency keys across a restart', async () => {
    const dir = await newDir();
    const db = await newDb(kind, dir);
    const first = await startTestSandbox({ db }, dir);
    await first.call('POST', '/v1/lms/payouts/', { body: newPayout(), headers: { 'Idempotency-Key': 'k1' } });
    const initiated = await initiatedPayout(first);
    await first.call('PUT', `/v1/lms/payouts/${initiated.id}/mark_processed/`, {
      body: { utr: 'KEPT1', processed_at: 1700000000, debit_bank_id: DEBIT_BANK },
    });
    const before = (await first.call<PayoutPage>('GET', '/v1/lms/payouts/')).body;
    await first.dispose();

    const second = await startTestSandbox({ db }, dir);
    const after = (await second.call<PayoutPage>('GET', '/v1/lms/payouts/')).body;
    expect(after).toEqual(before);
    const replay = await second.call<Payout>('POST', '/v1/lms/payouts/', { body: newPayout(), headers: { 'Idempotency-Key': 'k1' } });
    expect(replay.status).toBe(409); // the key is remembered with its first body
    const unmatched = (await second.call<PayoutPage>('GET', '/v1/lms/payouts/unmatched/')).body;
    expect(unmatched.results.map((p) => p.utr)).toEqual(['KEPT1']);
    await second.dispose();
  });

  it('survives a restart of the CLI process (SQLite in WAL mode)', async () => {
    const dir = await newDir();
    const db = await newDb(kind, dir);
    const args = ['--port', '0', '--db', db, '--token', TOKEN, '--quiet'];
    const first = await spawnSandbox(args);
    const created = await first.call<Payout>('POST', '/v1/lms/payouts/', { body: newPayout() });
    expect(await first.stop()).toBe(0);
    const second = await spawnSandbox(args);
    const listed = await second.call<PayoutPage>('GET', '/v1/lms/payouts/');
    expect(listed.body.results.map((p) => p.id)).toEqual([created.body.id]);
    await second.stop();
    if (kind === 'sqlite') {
      const file = Db.open(db, { readonly: true });
      expect(file.pragma('journal_mode')).toBe('wal');
      file.close();
    }
  });

  it('refuses a database written by a newer sandbox, naming both versions', async () => {
    const dir = await newDir();
    const db = await newDb(kind, dir);
    await (await startTestSandbox({ db }, dir)).dispose();
    await execute(db, 'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
      SCHEMA_VERSION + 1,
      'from the future',
      0,
    ]);
    await expect(startTestSandbox({ db }, dir)).rejects.toThrow(
      `has schema version ${SCHEMA_VERSION + 1}, newer than this sandbox knows (${SCHEMA_VERSION})`,
    );
  });

  it('the database itself refuses a payout that breaks the lifecycle', async () => {
    const dir = await newDir();
    const db = await newDb(kind, dir);
    const sandbox = await startTestSandbox({ db }, dir);
    const created = await sandbox.call<Payout>('POST', '/v1/lms/payouts/', { body: newPayout() });
    await sandbox.dispose();
    await expect(execute(db, "UPDATE payouts SET status = 'processed' WHERE id = ?", [created.body.id])).rejects.toThrow(
      /check constraint/i,
    );
  });
});

describe('a SQLite file', () => {
  it('records the schema version it created, once', async () => {
    const dir = await newDir();
    await (await startTestSandbox({}, dir)).dispose();
    await (await startTestSandbox({}, dir)).dispose();
    const file = Db.open(join(dir, 'sandbox.db'), { readonly: true });
    const versions = file.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    file.close();
    expect(versions).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })));
  });

  it('migrates a file of schema version 1 to the current version, keeping its payouts and idempotency keys', async () => {
    const dir = await newDir();
    const first = await startTestSandbox({}, dir);
    const old = await initiatedPayout(first);
    await first.dispose();
    // Take the file back to what a version-1 sandbox left, with a Create Payout key of that time.
    const legacyBody = newPayout();
    const legacy = (await startTestSandbox({}, dir).then(async (s) => {
      const made = await s.call<Payout>('POST', '/v1/lms/payouts/', { body: legacyBody });
      await s.dispose();
      return made.body;
    })) as Payout;
    // The same rows in a file made by a version-1 sandbox (its columns only), with a Create Payout key of that time.
    const current = join(dir, 'sandbox.db');
    const file = openDb(join(dir, 'v1.db'), { schemaVersion: 1 });
    file.exec(`
      ATTACH '${current}' AS current;
      INSERT INTO debit_banks SELECT * FROM current.debit_banks;
      INSERT INTO credit_banks SELECT * FROM current.credit_banks;
      INSERT INTO records (id, payout_id, document) SELECT id, payout_id, document FROM current.records;
      INSERT INTO payouts (${V1_PAYOUT_COLUMNS}) SELECT ${V1_PAYOUT_COLUMNS} FROM current.payouts;
      INSERT INTO export_lines (seq, reference, payout_id, debit_bank_id, exported_at)
        SELECT seq, reference, payout_id, debit_bank_id, exported_at FROM current.export_lines;
      DETACH current;
    `);
    file
      .prepare('INSERT INTO idempotency_keys VALUES (?, ?, ?, ?)')
      .run('legacy-key', requestHash(legacyBody), legacy.id, Date.now() / 1000);
    file.close();
    await rename(join(dir, 'v1.db'), current);
    const second = await startTestSandbox({}, dir);
    // The key made before the migration still answers the payout it made, and still refuses another body.
    const replay = await second.call<Payout>('POST', '/v1/lms/payouts/', {
      body: legacyBody,
      headers: { 'Idempotency-Key': 'legacy-key' },
    });
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(legacy.id);
    const other = await second.call('POST', '/v1/lms/payouts/', { body: newPayout(), headers: { 'Idempotency-Key': 'legacy-key' } });
    expect(other.status).toBe(409);
    const processed = await second.call<Payout>('PUT', `/v1/lms/payouts/${old.id}/mark_processed/`, {
      body: { utr: 'AFTER-MIGRATION', processed_at: 1700000000, debit_bank_id: DEBIT_BANK },
    });
    expect(processed.status).toBe(200);
    const listed = (await second.call<PayoutPage>('GET', '/v1/lms/payouts/?ordering=-processed_at')).body;
    expect(listed.results[0]).toMatchObject({ id: old.id, status: 'processed', utr: 'AFTER-MIGRATION' });
    await second.dispose();
    const migrated = Db.open(join(dir, 'sandbox.db'), { readonly: true });
    expect(migrated.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual(
      Array.from({ length: SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })),
    );
    expect(migrated.prepare('SELECT version FROM payouts WHERE id = ?').get(old.id)).toEqual({ version: 1 });
    migrated.close();
  });
});
