// The sandbox's SQLite database: opened durable (a file) or in memory, its schema created and
// migrated by the app, one migration per schema version, recorded in schema_migrations.
//
// Two drivers, one behaviour: Node's built-in node:sqlite where the running Node has it (22.13+,
// 24), else better-sqlite3 (Node 20). better-sqlite3 12 is loaded only when needed: on Node 24 its
// object finalizers abort the process (a known upstream bug), and the fix, 13.x, needs Node 22.
import { createRequire } from 'node:module';
import { newerSchemaError } from './store/database.js';

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

  get inTransaction(): boolean {
    return Boolean(this.connection.inTransaction ?? this.connection.isTransaction);
  }

  /** A pragma's value (`journal_mode` -> `wal`). */
  pragma(name: string): unknown {
    const row = this.prepare(`PRAGMA ${name}`).get() as Record<string, unknown> | undefined;
    return row === undefined ? undefined : Object.values(row)[0];
  }

  /**
   * Runs `change` in a transaction, or in a savepoint of the one already open, and rolls back what
   * it wrote if it throws. `immediate` takes the write lock before anything is read.
   */
  transaction<T>(change: () => T, mode: 'deferred' | 'immediate' = 'deferred'): T {
    if (this.inTransaction) {
      const savepoint = `change_${++this.savepoints}`;
      this.exec(`SAVEPOINT ${savepoint}`);
      try {
        const result = change();
        this.exec(`RELEASE ${savepoint}`);
        return result;
      } catch (error) {
        this.exec(`ROLLBACK TO ${savepoint}`);
        this.exec(`RELEASE ${savepoint}`);
        throw error;
      } finally {
        this.savepoints -= 1;
      }
    }
    this.exec(mode === 'immediate' ? 'BEGIN IMMEDIATE' : 'BEGIN');
    try {
      const result = change();
      this.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.inTransaction) this.exec('ROLLBACK');
      throw error;
    }
  }

  /** `transaction` for a change that awaits: its statements must not interleave with another's (the caller queues them). */
  async transactionAsync<T>(change: () => Promise<T>): Promise<T> {
    const savepoint = `change_${++this.savepoints}`;
    const outer = !this.inTransaction;
    this.exec(outer ? 'BEGIN' : `SAVEPOINT ${savepoint}`);
    try {
      const result = await change();
      this.exec(outer ? 'COMMIT' : `RELEASE ${savepoint}`);
      return result;
    } catch (error) {
      if (outer) {
        if (this.inTransaction) this.exec('ROLLBACK');
      } else {
        this.exec(`ROLLBACK TO ${savepoint}`);
        this.exec(`RELEASE ${savepoint}`);
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

interface Migration {
  version: number;
  name: string;
  sql: string;
}

// Never edit a migration that has shipped: add the next version instead.
const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'banks, payouts, records, exports and idempotency keys',
    sql: `
      CREATE TABLE debit_banks (
        id TEXT PRIMARY KEY,
        account_no TEXT NOT NULL,
        ifsc TEXT NOT NULL,
        document TEXT NOT NULL -- the DebitBank object as the API answers it
      );
      CREATE TABLE credit_banks (
        id TEXT PRIMARY KEY,
        document TEXT NOT NULL -- the CreditBank object as the API answers it
      );
      CREATE TABLE records (
        id TEXT PRIMARY KEY,
        payout_id TEXT NOT NULL,
        document TEXT NOT NULL -- what expand=record answers
      );
      CREATE TABLE payouts (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        type TEXT NOT NULL,
        ref_id TEXT NOT NULL UNIQUE,
        numeric_ref_id TEXT NOT NULL,
        idx INTEGER NOT NULL CHECK (idx >= 0),
        amount INTEGER NOT NULL CHECK (amount >= 1),
        method TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'initiated', 'processed', 'failed')),
        payout_service_id TEXT UNIQUE,
        processed_at INTEGER,
        bank_date REAL,
        date REAL,
        failed_remark TEXT,
        utr TEXT,
        debit_bank_id TEXT REFERENCES debit_banks (id),
        export_debit_bank_id TEXT REFERENCES debit_banks (id),
        credit_bank_id TEXT NOT NULL REFERENCES credit_banks (id),
        payout_to TEXT NOT NULL,
        is_downloaded INTEGER NOT NULL CHECK (is_downloaded IN (0, 1)),
        is_imported INTEGER NOT NULL CHECK (is_imported IN (0, 1)),
        sent_to_gl INTEGER NOT NULL CHECK (sent_to_gl IN (0, 1)),
        account TEXT NOT NULL,
        topup TEXT,
        loan TEXT NOT NULL,
        record_id TEXT REFERENCES records (id),
        transaction_id TEXT,
        -- The lifecycle, enforced by the database too: a bug cannot store an impossible payout.
        CHECK ((status = 'pending') = (payout_service_id IS NULL)),
        CHECK ((status = 'pending') = (is_downloaded = 0)),
        CHECK ((status = 'processed') = (utr IS NOT NULL AND processed_at IS NOT NULL AND debit_bank_id IS NOT NULL)),
        CHECK ((status = 'failed') = (failed_remark IS NOT NULL)),
        CHECK (status = 'processed' OR (record_id IS NULL AND transaction_id IS NULL))
      );
      CREATE INDEX payouts_created ON payouts (created_at, seq);
      CREATE INDEX payouts_status_created ON payouts (status, created_at, seq);
      CREATE INDEX payouts_loan ON payouts (loan);
      CREATE INDEX payouts_account ON payouts (account);
      CREATE TABLE export_lines (
        seq INTEGER PRIMARY KEY,
        reference TEXT NOT NULL UNIQUE,
        payout_id TEXT NOT NULL REFERENCES payouts (id),
        debit_bank_id TEXT NOT NULL REFERENCES debit_banks (id),
        exported_at REAL NOT NULL
      );
      CREATE TABLE idempotency_keys (
        key TEXT PRIMARY KEY,
        request_hash TEXT NOT NULL,
        payout_id TEXT NOT NULL REFERENCES payouts (id),
        created_at REAL NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'indexes for ordering by amount and processed_at; a version per payout for the read cache',
    sql: `
      CREATE INDEX payouts_amount ON payouts (amount, seq);
      CREATE INDEX payouts_processed ON payouts (processed_at, seq);
      ALTER TABLE payouts ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
      -- Every change of a payout, by any process on the file, moves its version on.
      CREATE TRIGGER payouts_version AFTER UPDATE ON payouts WHEN NEW.version = OLD.version
      BEGIN
        UPDATE payouts SET version = OLD.version + 1 WHERE seq = NEW.seq;
      END;
    `,
  },
  {
    version: 3,
    name: 'the first answer of every state-changing call made with an Idempotency-Key',
    sql: `
      CREATE TABLE idempotent_answers (
        key TEXT PRIMARY KEY,
        request_hash TEXT NOT NULL, -- the operation, its path parameters and its body
        status INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        headers TEXT NOT NULL, -- JSON object
        body TEXT NOT NULL, -- as sent
        created_at REAL NOT NULL
      );
      CREATE INDEX idempotent_answers_created ON idempotent_answers (created_at);
      -- Create Payout's keys from schema 1 and 2 answer the payout they made, as they did.
      INSERT INTO idempotent_answers (key, request_hash, status, content_type, headers, body, created_at)
        SELECT key, 'createPayout:' || request_hash, 201, 'legacy-payout', '{}', payout_id, created_at FROM idempotency_keys;
      DROP TABLE idempotency_keys;
    `,
  },
  {
    version: 4,
    name: 'tenants: every payout, export line, record and Idempotency-Key belongs to one',
    sql: `
      CREATE TABLE tenants (
        name TEXT PRIMARY KEY,
        callback_secret TEXT NOT NULL UNIQUE,
        created_at REAL NOT NULL
      );
      CREATE TABLE tenant_tokens (
        token_hash TEXT PRIMARY KEY, -- sha256 of the bearer token: the database never holds a usable token
        tenant TEXT NOT NULL REFERENCES tenants (name) ON DELETE CASCADE
      );
      -- '' is the sandbox's own tenant: the tokens and callback secrets given on its command line.
      ALTER TABLE payouts ADD COLUMN tenant TEXT NOT NULL DEFAULT '';
      ALTER TABLE export_lines ADD COLUMN tenant TEXT NOT NULL DEFAULT '';
      ALTER TABLE records ADD COLUMN tenant TEXT NOT NULL DEFAULT '';
      CREATE INDEX payouts_tenant_created ON payouts (tenant, created_at, seq);
      CREATE TABLE idempotent_answers_by_tenant (
        tenant TEXT NOT NULL,
        key TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        status INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        headers TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at REAL NOT NULL,
        PRIMARY KEY (tenant, key)
      );
      INSERT INTO idempotent_answers_by_tenant
        SELECT '', key, request_hash, status, content_type, headers, body, created_at FROM idempotent_answers;
      DROP TABLE idempotent_answers;
      ALTER TABLE idempotent_answers_by_tenant RENAME TO idempotent_answers;
      CREATE INDEX idempotent_answers_created ON idempotent_answers (created_at);
    `,
  },
  {
    version: 5,
    name: 'tenants: an id never reused; numbers counted per tenant; references unique per tenant',
    // Tables are rebuilt where SQLite cannot alter a constraint. Rows keep their tenant column: for
    // tenants made before this version, the id is the name.
    sql: `
      ALTER TABLE tenants RENAME TO tenants_v4;
      CREATE TABLE tenants (
        name TEXT NOT NULL UNIQUE,
        callback_secret TEXT NOT NULL UNIQUE,
        created_at REAL NOT NULL,
        id TEXT PRIMARY KEY -- what every row's tenant column holds; a tenant made again under a dropped name gets a new one
      );
      INSERT INTO tenants (name, callback_secret, created_at, id) SELECT name, callback_secret, created_at, name FROM tenants_v4;
      ALTER TABLE tenant_tokens RENAME TO tenant_tokens_v4;
      CREATE TABLE tenant_tokens (
        token_hash TEXT PRIMARY KEY,
        tenant TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE
      );
      INSERT INTO tenant_tokens (token_hash, tenant) SELECT token_hash, tenant FROM tenant_tokens_v4;
      DROP TABLE tenant_tokens_v4;
      DROP TABLE tenants_v4;

      ALTER TABLE payouts RENAME TO payouts_v4;
      CREATE TABLE payouts (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        type TEXT NOT NULL,
        ref_id TEXT NOT NULL,
        numeric_ref_id TEXT NOT NULL,
        idx INTEGER NOT NULL CHECK (idx >= 0),
        amount INTEGER NOT NULL CHECK (amount >= 1),
        method TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'initiated', 'processed', 'failed')),
        payout_service_id TEXT,
        processed_at INTEGER,
        bank_date REAL,
        date REAL,
        failed_remark TEXT,
        utr TEXT,
        debit_bank_id TEXT REFERENCES debit_banks (id),
        export_debit_bank_id TEXT REFERENCES debit_banks (id),
        credit_bank_id TEXT NOT NULL REFERENCES credit_banks (id),
        payout_to TEXT NOT NULL,
        is_downloaded INTEGER NOT NULL CHECK (is_downloaded IN (0, 1)),
        is_imported INTEGER NOT NULL CHECK (is_imported IN (0, 1)),
        sent_to_gl INTEGER NOT NULL CHECK (sent_to_gl IN (0, 1)),
        account TEXT NOT NULL,
        topup TEXT,
        loan TEXT NOT NULL,
        record_id TEXT REFERENCES records (id),
        transaction_id TEXT,
        version INTEGER NOT NULL DEFAULT 0,
        tenant TEXT NOT NULL DEFAULT '',
        UNIQUE (tenant, ref_id),
        UNIQUE (tenant, payout_service_id),
        CHECK ((status = 'pending') = (payout_service_id IS NULL)),
        CHECK ((status = 'pending') = (is_downloaded = 0)),
        CHECK ((status = 'processed') = (utr IS NOT NULL AND processed_at IS NOT NULL AND debit_bank_id IS NOT NULL)),
        CHECK ((status = 'failed') = (failed_remark IS NOT NULL)),
        CHECK (status = 'processed' OR (record_id IS NULL AND transaction_id IS NULL))
      );
      INSERT INTO payouts SELECT * FROM payouts_v4;
      ALTER TABLE export_lines RENAME TO export_lines_v4;
      CREATE TABLE export_lines (
        seq INTEGER PRIMARY KEY,
        reference TEXT NOT NULL,
        payout_id TEXT NOT NULL REFERENCES payouts (id),
        debit_bank_id TEXT NOT NULL REFERENCES debit_banks (id),
        exported_at REAL NOT NULL,
        tenant TEXT NOT NULL DEFAULT '',
        UNIQUE (tenant, reference)
      );
      INSERT INTO export_lines SELECT * FROM export_lines_v4;
      DROP TABLE export_lines_v4;
      DROP TABLE payouts_v4;
      CREATE INDEX payouts_created ON payouts (created_at, seq);
      CREATE INDEX payouts_status_created ON payouts (status, created_at, seq);
      CREATE INDEX payouts_loan ON payouts (loan);
      CREATE INDEX payouts_account ON payouts (account);
      CREATE INDEX payouts_amount ON payouts (amount, seq);
      CREATE INDEX payouts_processed ON payouts (processed_at, seq);
      CREATE INDEX payouts_tenant_created ON payouts (tenant, created_at, seq);
      CREATE TRIGGER payouts_version AFTER UPDATE ON payouts WHEN NEW.version = OLD.version
      BEGIN
        UPDATE payouts SET version = OLD.version + 1 WHERE seq = NEW.seq;
      END;

      -- The numbers a tenant sees (ref_id, numeric_ref_id, export line numbers) count its own rows
      -- only; they go on from the highest number the tenant already has.
      CREATE TABLE tenant_sequences (
        tenant TEXT NOT NULL,
        name TEXT NOT NULL CHECK (name IN ('payouts', 'export_lines')),
        next INTEGER NOT NULL,
        PRIMARY KEY (tenant, name)
      );
      INSERT INTO tenant_sequences (tenant, name, next) SELECT tenant, 'payouts', max(seq) FROM payouts GROUP BY tenant;
      INSERT INTO tenant_sequences (tenant, name, next) SELECT tenant, 'export_lines', max(seq) FROM export_lines GROUP BY tenant;
    `,
  },
];

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
