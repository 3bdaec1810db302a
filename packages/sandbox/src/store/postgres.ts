// The store on PostgreSQL: several sandbox processes on one database behave as one sandbox. Every
// change is one transaction (READ COMMITTED) that reads the rows it will move FOR UPDATE: two
// requests racing to move one payout, in any processes, queue on the row lock, and the second
// reads the winner's result and gets its 409. Creates for one loan queue on an advisory lock (a
// payout's index is its place among the loan's). Two requests with one Idempotency-Key both try
// to record their answer; the loser's whole transaction is undone by the primary key and run
// again, and replays the winner's answer. A COMMIT returns once the WAL is flushed
// (synchronous_commit stays on), so an acknowledged write survives a crash of the server.
//
// Not SERIALIZABLE: its predicate locks on small tables fail most concurrent creates as false
// conflicts (measured: a few percent of requests failing after 30 attempts, 90 req/s).
import pg from 'pg';
import { type Database, type Dialect, newerSchemaError, type Tx } from './database.js';

const DIALECT: Dialect = {
  nextSeq: (table) => `SELECT nextval('${table}_seq') AS next`,
  forUpdate: ' FOR UPDATE',
  forShare: ' FOR SHARE',
  lockKey: 'SELECT pg_advisory_xact_lock(hashtextextended(?, 0))',
};

/** Connections per sandbox process. */
const POOL_SIZE = 8;
const CONNECT_TIMEOUT_MS = 5000;
/** How often a change that lost a race is run again before the request fails. */
const ATTEMPTS = 30;
/**
 * Serialization failure, deadlock (two exports locking the same payouts in another order) and a
 * unique key taken by a concurrent transaction (an Idempotency-Key, a tenant's name): the
 * transaction was undone and may simply run again, and will see what the other one committed.
 */
const RETRYABLE = new Set(['40001', '40P01', '23505']);
/** Taken while migrating, so that sandboxes starting together migrate once. */
const MIGRATION_LOCK = 4_030_2026;

// Amounts and seconds are BIGINT; the API refuses any past 2^53-1, so every one is a safe number.
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

interface Migration {
  version: number;
  name: string;
  sql: string;
}

// PostgreSQL starts at the schema SQLite reached at version 4; a change to the schema is a new
// version in both. Never edit a migration that has shipped.
const MIGRATIONS: Migration[] = [
  {
    version: 4,
    name: 'banks, payouts, records, exports, idempotent answers and tenants',
    sql: `
      CREATE TABLE tenants (
        name TEXT PRIMARY KEY,
        callback_secret TEXT NOT NULL UNIQUE,
        created_at DOUBLE PRECISION NOT NULL
      );
      CREATE TABLE tenant_tokens (
        token_hash TEXT PRIMARY KEY,
        tenant TEXT NOT NULL REFERENCES tenants (name) ON DELETE CASCADE
      );
      CREATE TABLE debit_banks (id TEXT PRIMARY KEY, account_no TEXT NOT NULL, ifsc TEXT NOT NULL, document TEXT NOT NULL);
      CREATE TABLE credit_banks (id TEXT PRIMARY KEY, document TEXT NOT NULL);
      CREATE TABLE records (
        id TEXT PRIMARY KEY,
        payout_id TEXT NOT NULL,
        document TEXT NOT NULL,
        tenant TEXT NOT NULL DEFAULT ''
      );
      CREATE SEQUENCE payouts_seq;
      CREATE TABLE payouts (
        seq BIGINT PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        created_at DOUBLE PRECISION NOT NULL,
        updated_at DOUBLE PRECISION NOT NULL,
        type TEXT NOT NULL,
        ref_id TEXT NOT NULL UNIQUE,
        numeric_ref_id TEXT NOT NULL,
        idx INTEGER NOT NULL CHECK (idx >= 0),
        amount BIGINT NOT NULL CHECK (amount >= 1),
        method TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'initiated', 'processed', 'failed')),
        payout_service_id TEXT UNIQUE,
        processed_at BIGINT,
        bank_date DOUBLE PRECISION,
        date DOUBLE PRECISION,
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
        CHECK ((status = 'pending') = (payout_service_id IS NULL)),
        CHECK ((status = 'pending') = (is_downloaded = 0)),
        CHECK ((status = 'processed') = (utr IS NOT NULL AND processed_at IS NOT NULL AND debit_bank_id IS NOT NULL)),
        CHECK ((status = 'failed') = (failed_remark IS NOT NULL)),
        CHECK (status = 'processed' OR (record_id IS NULL AND transaction_id IS NULL))
      );
      CREATE INDEX payouts_created ON payouts (created_at, seq);
      CREATE INDEX payouts_tenant_created ON payouts (tenant, created_at, seq);
      CREATE INDEX payouts_status_created ON payouts (status, created_at, seq);
      CREATE INDEX payouts_loan ON payouts (loan);
      CREATE INDEX payouts_account ON payouts (account);
      CREATE INDEX payouts_amount ON payouts (amount, seq);
      CREATE INDEX payouts_processed ON payouts (processed_at, seq);
      -- Every change of a payout, by any process, moves its version on (the read cache keys on it).
      CREATE FUNCTION payouts_next_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN NEW.version := OLD.version + 1; RETURN NEW; END $$;
      CREATE TRIGGER payouts_version BEFORE UPDATE ON payouts FOR EACH ROW EXECUTE FUNCTION payouts_next_version();
      CREATE SEQUENCE export_lines_seq;
      CREATE TABLE export_lines (
        seq BIGINT PRIMARY KEY,
        reference TEXT NOT NULL UNIQUE,
        payout_id TEXT NOT NULL REFERENCES payouts (id),
        debit_bank_id TEXT NOT NULL REFERENCES debit_banks (id),
        exported_at DOUBLE PRECISION NOT NULL,
        tenant TEXT NOT NULL DEFAULT ''
      );
      CREATE TABLE idempotent_answers (
        tenant TEXT NOT NULL,
        key TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        status INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        headers TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (tenant, key)
      );
      CREATE INDEX idempotent_answers_created ON idempotent_answers (created_at);
    `,
  },
  {
    version: 5,
    name: 'tenants: an id never reused; numbers counted per tenant; references unique per tenant',
    // Rows keep their tenant column: for tenants made before this version, the id is the name.
    sql: `
      ALTER TABLE tenants ADD COLUMN id TEXT;
      UPDATE tenants SET id = name;
      ALTER TABLE tenants ALTER COLUMN id SET NOT NULL;
      ALTER TABLE tenant_tokens DROP CONSTRAINT tenant_tokens_tenant_fkey;
      ALTER TABLE tenants DROP CONSTRAINT tenants_pkey;
      ALTER TABLE tenants ADD PRIMARY KEY (id);
      ALTER TABLE tenants ADD UNIQUE (name);
      ALTER TABLE tenant_tokens ADD FOREIGN KEY (tenant) REFERENCES tenants (id) ON DELETE CASCADE;
      ALTER TABLE payouts DROP CONSTRAINT payouts_ref_id_key;
      ALTER TABLE payouts ADD UNIQUE (tenant, ref_id);
      ALTER TABLE payouts DROP CONSTRAINT payouts_payout_service_id_key;
      ALTER TABLE payouts ADD UNIQUE (tenant, payout_service_id);
      ALTER TABLE export_lines DROP CONSTRAINT export_lines_reference_key;
      ALTER TABLE export_lines ADD UNIQUE (tenant, reference);
      CREATE TABLE tenant_sequences (
        tenant TEXT NOT NULL,
        name TEXT NOT NULL CHECK (name IN ('payouts', 'export_lines')),
        next BIGINT NOT NULL,
        PRIMARY KEY (tenant, name)
      );
      INSERT INTO tenant_sequences (tenant, name, next) SELECT tenant, 'payouts', max(seq) FROM payouts GROUP BY tenant;
      INSERT INTO tenant_sequences (tenant, name, next) SELECT tenant, 'export_lines', max(seq) FROM export_lines GROUP BY tenant;
    `,
  },
];

const POSTGRES_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Each SQL text as a named prepared statement (parsed once per connection), with `?` placeholders
 * as PostgreSQL's `$1, $2, ...` (the store's SQL has no `?` inside literals).
 */
const prepared = new Map<string, { name: string; text: string }>();
function toPostgres(sql: string): { name: string; text: string } {
  let statement = prepared.get(sql);
  if (statement === undefined) {
    let n = 0;
    statement = { name: `sandbox_${prepared.size}`, text: sql.replace(/\?/g, () => `$${++n}`) };
    prepared.set(sql, statement);
  }
  return statement;
}

function txOf(client: pg.PoolClient): Tx {
  let savepoints = 0;
  const query = async (sql: string, params: unknown[]) => (await client.query({ ...toPostgres(sql), values: params, types })).rows;
  return {
    get: async <T>(sql: string, ...params: unknown[]) => (await query(sql, params))[0] as T | undefined,
    all: async <T>(sql: string, ...params: unknown[]) => (await query(sql, params)) as T[],
    run: async (sql: string, ...params: unknown[]) => void (await query(sql, params)),
    nested: async (change) => {
      const savepoint = `change_${++savepoints}`;
      await client.query(`SAVEPOINT ${savepoint}`);
      try {
        const result = await change();
        await client.query(`RELEASE SAVEPOINT ${savepoint}`);
        return result;
      } catch (error) {
        await client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
        throw error;
      } finally {
        savepoints -= 1;
      }
    },
  };
}

/** Query parameters of a PostgreSQL URL that carry a secret (libpq's and pg's names). */
const SECRET_PARAMETERS = ['password', 'sslpassword', 'sslkey'];

/** The URL as the banner and errors show it: without its password, wherever the URL carries one. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const name of SECRET_PARAMETERS) if (parsed.searchParams.has(name)) parsed.searchParams.set(name, '***');
    return parsed.toString().replaceAll('%2A%2A%2A', '***');
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@').replace(new RegExp(`([?&](?:${SECRET_PARAMETERS.join('|')})=)[^&]*`, 'g'), '$1***');
  }
}

export class PostgresDatabase implements Database {
  readonly dialect = DIALECT;

  private constructor(
    private readonly pool: pg.Pool,
    readonly name: string,
  ) {}

  /** Connects, and migrates the schema under an advisory lock; refuses a database it cannot serve. */
  static async open(url: string, options: { schemaVersion?: number } = {}): Promise<PostgresDatabase> {
    const name = displayUrl(url);
    try {
      new URL(url);
    } catch {
      throw new Error(`--db ${name} is not a valid PostgreSQL URL: expected postgres://user:password@host:port/database`);
    }
    const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // A connection the server drops (a restart) is an error of the request that used it, not of the process.
    pool.on('error', () => undefined);
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      await pool.end();
      throw new Error(`cannot reach the database ${name}: ${(error as Error).message || (error as { code?: string }).code}`);
    }
    try {
      await migrate(client, name, options.schemaVersion ?? POSTGRES_SCHEMA_VERSION);
    } catch (error) {
      client.release();
      await pool.end();
      throw error;
    }
    client.release();
    return new PostgresDatabase(pool, name);
  }

  async write<T>(change: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN', change);
  }

  /** One snapshot for the whole read, so a page and its count agree. */
  read<T>(query: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', query);
  }

  /** Any process may commit at any time, and asking would cost what counting does. */
  async dataVersion(): Promise<undefined> {
    return undefined;
  }

  /** Reads see committed data only, and changes do not fill the render cache: a rollback voids nothing. */
  onRollback(): void {}

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async transaction<T>(begin: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken = false;
      try {
        await client.query(begin);
        const result = await work(txOf(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true; // the connection is gone: the pool must not hand it out again
        }
        const code = (error as { code?: string }).code;
        if (code && RETRYABLE.has(code) && attempt < ATTEMPTS) {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 * attempt));
          continue;
        }
        throw error;
      } finally {
        client.release(broken);
      }
    }
  }
}

/** Migrates to `target` (the current version; an older one only where a test builds the database an older sandbox left). */
async function migrate(client: pg.PoolClient, name: string, target: number): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at DOUBLE PRECISION NOT NULL)',
    );
    const { rows } = await client.query<{ v: number }>('SELECT coalesce(max(version), 0) AS v FROM schema_migrations');
    const current = rows[0]!.v;
    if (current > POSTGRES_SCHEMA_VERSION) throw newerSchemaError(name, current, POSTGRES_SCHEMA_VERSION);
    for (const migration of MIGRATIONS.filter((m) => m.version > current && m.version <= target)) {
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          Date.now() / 1000,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`cannot migrate ${name} to schema version ${migration.version}: ${(error as Error).message}`);
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}
