import { type Database, isPostgresUrl } from './database.js';
import { PostgresDatabase } from './postgres.js';
import { SqliteDatabase } from './sqlite.js';
import { openDb } from './sqlite-connection.js';

/** Opens the store's database: PostgreSQL for a postgres:// URL, else a SQLite file (in memory without one). */
export async function openDatabase(db: string | undefined): Promise<Database> {
  if (db !== undefined && isPostgresUrl(db)) return PostgresDatabase.open(db);
  return new SqliteDatabase(openDb(db), db ?? 'memory');
}
