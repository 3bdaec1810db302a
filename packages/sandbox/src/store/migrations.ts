// The schema of each store, as numbered SQL files under migrations/<dialect>/ (NNNN-what.sql, its
// first line `-- what it does`): applied in order, each once, and recorded in schema_migrations.
// PostgreSQL starts at the schema SQLite reached at version 4; a change of the schema is a new
// version in both (schema.test.ts checks that the two end with the same columns and types).
// Never edit a migration that has shipped: add the next version instead.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The migrations of a dialect, oldest first. The folder is two levels above this file, in src/ and in dist/ alike. */
export function migrationsOf(dialect: 'sqlite' | 'postgres'): Migration[] {
  const folder = fileURLToPath(new URL(`../../migrations/${dialect}/`, import.meta.url));
  return readdirSync(folder)
    .filter((file) => /^\d{4}-[a-z0-9-]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const sql = readFileSync(`${folder}${file}`, 'utf8');
      const name = /^-- (.+)\n/.exec(sql)?.[1];
      if (name === undefined) throw new Error(`migrations/${dialect}/${file} must start with a line "-- what it does"`);
      return { version: Number(file.slice(0, 4)), name, sql };
    });
}
