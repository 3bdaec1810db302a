// The two stores end with the same schema: every table with the same columns, in the same order,
// of the same kind of type, nullable alike. A migration added to one dialect and not the other
// (or written differently) fails here.
import { describe, expect, it } from 'vitest';
import { execute, newDb } from '../test-support/stores.js';
import { PostgresDatabase } from './postgres.js';
import { openDb } from './sqlite-connection.js';

interface Column {
  table: string;
  column: string;
  /** text, integer or real: what a value of it is, whatever each database calls the type. */
  kind: string;
  nullable: boolean;
}

const KINDS: Record<string, string> = {
  text: 'text',
  integer: 'integer',
  bigint: 'integer',
  real: 'real',
  'double precision': 'real',
};

function kindOf(type: string): string {
  const kind = KINDS[type.toLowerCase()];
  if (kind === undefined) throw new Error(`a column type the schema test does not know: ${type}`);
  return kind;
}

async function sqliteColumns(): Promise<Column[]> {
  const db = openDb(await newDb('sqlite'));
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as {
      name: string;
    }[];
    return tables.flatMap(({ name }) =>
      (db.prepare(`PRAGMA table_info(${name})`).all() as { name: string; type: string; notnull: number; pk: number }[]).map((c) => ({
        table: name,
        column: c.name,
        kind: kindOf(c.type),
        // A primary key is never null in either store, whatever SQLite's pragma says of a TEXT one.
        nullable: c.notnull === 0 && c.pk === 0,
      })),
    );
  } finally {
    db.close();
  }
}

async function postgresColumns(): Promise<Column[]> {
  const url = await newDb('postgres');
  await (await PostgresDatabase.open(url)).close();
  const rows = (await execute(
    url,
    `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
     WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  )) as { table_name: string; column_name: string; data_type: string; is_nullable: string }[];
  return rows.map((r) => ({ table: r.table_name, column: r.column_name, kind: kindOf(r.data_type), nullable: r.is_nullable === 'YES' }));
}

describe('the schema', () => {
  it('is the same on SQLite and on PostgreSQL once every migration has run', async () => {
    const [sqlite, postgres] = await Promise.all([sqliteColumns(), postgresColumns()]);
    expect(sqlite.length).toBeGreaterThan(50);
    expect(postgres).toEqual(sqlite);
  });
});
