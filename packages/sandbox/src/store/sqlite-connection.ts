// The sandbox's SQLite database: opened durable (a file) or in memory, its schema created and
// migrated by the app (migrations/sqlite/), one migration per schema version, recorded in schema_migrations.
//
// Two drivers, one behaviour: Node's built-in node:sqlite where the running Node has it (22.13+,
// 24), else better-sqlite3 (Node 20). better-sqlite3 12 is loaded only when needed: on Node 24 its
// object finalizers abort the process (a known upstream bug), and the fix, 13.x, needs Node 22.
import { createRequire } from 'node:module';
import { newerSchemaError } from './database.js';
import { migrationsOf } from './migrations.js';

const require = createRequire(import.meta.url);

export interface Statement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** What both drivers' connections offer, as this code uses it. */
interface Connection {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  close(): void;
  readonly inTransaction?: boolean;
  readonly isTransaction?: boolean;
}

type Driver = { name: string; open(file: string, readonly: boolean): Connection };

function driver(): Driver {
  try {
    const { DatabaseSync } = require('node:sqlite') as { DatabaseSync: new (file: string, options?: { readOnly?: boolean }) => Connection };
    return { name: 'node:sqlite', open: (file, readonly) => new DatabaseSync(file, { readOnly: readonly }) };
  } catch {
    const Database = require('better-sqlite3') as new (file: string, options?: { readonly?: boolean }) => Connection;
    return { name: 'better-sqlite3', open: (file, readonly) => new Database(file, { readonly }) };
  }
}

let chosen: Driver | undefined;

/** A SQLite connection, whichever driver holds it. */
export class Db {
  private savepoints = 0;
  private readonly statements = new Map<string, Statement>();

  private constructor(private readonly connection: Connection) {}

  /** Opens a file (or `:memory:`) as it is: no pragmas, no migrations (`openDb` does those). */
  static open(file: string, options: { readonly?: boolean } = {}): Db {
    chosen ??= driver();
    return new Db(chosen.open(file, options.readonly ?? false));
  }

  prepare(sql: string): Statement {
    return this.connection.prepare(sql);
  }

  exec(sql: string): void {
    this.connection.exec(sql);
  }

  /** The statement for this SQL text, prepared once per connection (list queries vary with their filters). */
  prepared(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs a statement that answers nothing (BEGIN, SAVEPOINT, COMMIT): prepared once, where `exec` compiles it every time. */
  command(sql: string): void {
    this.prepared(sql).run();
  }

  get inTransaction(): boolean {
    return Boolean(this.connection.inTransaction ?? this.connection.isTransaction);
  }

  /**
   * A pragma's value (`journal_mode` -> `wal`), read with a statement prepared once: data_version
   * is read on every List, and preparing it each time cost a List about 8 us of its 80-90.
   */
  pragma(name: string): unknown {
    const row = this.prepared(`PRAGMA ${name}`).get() as Record<string, unknown> | undefined;
    return row === undefined ? undefined : Object.values(row)[0];
  }

  /**
   * Runs `change` in a transaction, or in a savepoint of the one already open, and rolls back what
   * it wrote if it throws. `immediate` takes the write lock before anything is read.
   */
  transaction<T>(change: () => T, mode: 'deferred' | 'immediate' = 'deferred'): T {
    if (this.inTransaction) {
      const savepoint = `change_${++this.savepoints}`;
      this.command(`SAVEPOINT ${savepoint}`);
      try {
        const result = change();
        this.command(`RELEASE ${savepoint}`);
        return result;
      } catch (error) {
        this.command(`ROLLBACK TO ${savepoint}`);
        this.command(`RELEASE ${savepoint}`);
        throw error;
      } finally {
        this.savepoints -= 1;
      }
    }
    this.command(mode === 'immediate' ? 'BEGIN IMMEDIATE' : 'BEGIN');
    try {
      const result = change();
      this.command('COMMIT');
      return result;
    } catch (error) {
      if (this.inTransaction) this.command('ROLLBACK');
      throw error;
    }
  }

  /** `transaction` for a change that awaits: its statements must not interleave with another's (the caller queues them). */
  async transactionAsync<T>(change: () => Promise<T>): Promise<T> {
    const savepoint = `change_${++this.savepoints}`;
    const outer = !this.inTransaction;
    this.command(outer ? 'BEGIN' : `SAVEPOINT ${savepoint}`);
    try {
      const result = await change();
      this.command(outer ? 'COMMIT' : `RELEASE ${savepoint}`);
      return result;
    } catch (error) {
      if (outer) {
        if (this.inTransaction) this.command('ROLLBACK');
      } else {
        this.command(`ROLLBACK TO ${savepoint}`);
        this.command(`RELEASE ${savepoint}`);
      }
      throw error;
    } finally {
      this.savepoints -= 1;
    }
  }

  close(): void {
    this.connection.close();
  }
}

const MIGRATIONS = migrationsOf('sqlite');

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Opens the database: in memory without a file. A file is put in WAL mode with synchronous=FULL:
 * a commit returns only once its WAL frames are on disk, so an answer the sandbox has sent survives
 * a kill -9 and a power cut alike (NORMAL would survive a kill -9 but not a power cut).
 */
export function openDb(file?: string, options: { schemaVersion?: number } = {}): Db {
  let db: Db;
  try {
    db = Db.open(file ?? ':memory:');
    if (file) {
      // Another sandbox on the same file holds the write lock for one short transaction at most
      // (set first: switching to WAL takes a lock too, when two sandboxes start together).
      db.exec('PRAGMA busy_timeout = 5000');
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = FULL');
    } else {
      // A commit after a write that rearranged b-tree pages walks SQLite's whole page cache, and in
      // memory the cache is the whole database, so every write grew slower as it grew: 1.2 KB rows
      // at 100,000 rows committed in 33 us with 4 KB pages, in 4 us with 16 KB (fewer, rarer walks).
      db.exec('PRAGMA page_size = 16384');
    }
  } catch (error) {
    throw new Error(`cannot open the database ${file}: ${(error as Error).message}`);
  }
  db.exec('PRAGMA foreign_keys = ON');
  migrate(db, file ?? 'the in-memory database', options.schemaVersion ?? SCHEMA_VERSION);
  return db;
}

/** Migrates to `target` (the current version; an older one only where a test builds the file an older sandbox left). */
function migrate(db: Db, name: string, target: number): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)');
  const current = (db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
  if (current > SCHEMA_VERSION) throw newerSchemaError(name, current, SCHEMA_VERSION);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of MIGRATIONS.filter((m) => m.version > current && m.version <= target)) {
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now() / 1000);
    }, 'immediate');
  }
}
