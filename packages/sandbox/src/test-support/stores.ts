// The two stores every shared test runs against: SQLite (a file in the test's folder) and
// PostgreSQL (a new database on the run's server, see global-setup.ts).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { createDatabase } from '../postgres-cluster.js';
import { isPostgresUrl } from '../store/database.js';
import { Db } from '../store/sqlite-connection.js';
import { tempDir } from '../testing.js';

export type StoreKind = 'sqlite' | 'postgres';

export const STORES: StoreKind[] = ['sqlite', 'postgres'];

const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

/** A --db naming a new, empty database of this kind (a file in `dir`, or in a folder removed after the test file). */
export async function newDb(kind: StoreKind, dir?: string): Promise<string> {
  if (kind === 'postgres') return createDatabase(inject('postgresUrl'));
  if (dir) return join(dir, 'sandbox.db');
  const folder = await tempDir();
  folders.push(folder);
  return join(folder, 'sandbox.db');
}

/** Runs one statement on a database directly, beside the sandbox: what a person with psql or sqlite3 could do. */
export async function execute(db: string, sql: string, params: unknown[] = []): Promise<unknown[]> {
  if (isPostgresUrl(db)) {
    const client = new pg.Client({ connectionString: db });
    await client.connect();
    try {
      let n = 0;
      return (
        await client.query(
          sql.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows;
    } finally {
      await client.end();
    }
  }
  const file = Db.open(db);
  try {
    const statement = file.prepare(sql);
    return /^\s*select/i.test(sql) ? statement.all(...params) : [statement.run(...params)];
  } finally {
    file.close();
  }
}
