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
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { type ChangeFeed, type Database, type Dialect, newerSchemaError, type Tx } from './database.js';
import { migrationsOf } from './migrations.js';

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

const MIGRATIONS = migrationsOf('postgres');

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

/** On each connection, the names of the statements PREPAREd there for EXECUTE in the simple query protocol. */
const executable = new WeakMap<pg.PoolClient, Set<string>>();

/**
 * `sql` as an EXECUTE of the statement prepared for it on this connection, its parameters as
 * literals: the simple query protocol takes several statements in one round trip but no
 * parameters, and an EXECUTE is neither parsed nor planned again (as a statement with its values
 * written in would be, 40-50 us of PostgreSQL's CPU each). The first use of a statement on a
 * connection PREPAREs it in a round trip of its own; a prepared statement outlives any rollback.
 */
async function executed(client: pg.PoolClient, sql: string, params: unknown[]): Promise<string> {
  const { name, text } = toPostgres(sql);
  let ready = executable.get(client);
  if (ready === undefined) {
    ready = new Set();
    executable.set(client, ready);
  }
  // Another name than pg's own for the same text: pg prepares `name` itself when it is sent alone.
  const batched = `${name}_batched`;
  if (!ready.has(batched)) {
    await client.query(`PREPARE ${batched} AS ${text}`);
    ready.add(batched);
  }
  if (params.length === 0) return `EXECUTE ${batched}`;
  // Each value quoted: the literal is read by the input function of the parameter's own type.
  const literal = (value: unknown) => {
    if (value === null || value === undefined) return 'NULL';
    if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return `'${value}'`;
    if (typeof value === 'string') return client.escapeLiteral(value);
    throw new Error(`cannot send ${typeof value} as a literal`);
  };
  return `EXECUTE ${batched}(${params.map(literal).join(', ')})`;
}

/** A statement sent with a later one: its text, and what must hold of its rows (a `require`). */
interface Waiting {
  text: string;
  check?: (rows: unknown[]) => void;
}

/**
 * A transaction's view. Statements nobody waits on are not sent alone: the transaction's BEGIN, a
 * change whose result is not read (`run`) and a row required to exist (`require`) wait, and go in
 * one round trip with the next statement that is read, or with the COMMIT (the simple query
 * protocol, the batching pg offers). A waiting statement that fails fails the statement it went
 * with, and the transaction with it, as it would have alone; a required row that is missing fails
 * the statement it went with before its rows are used, and never travels with the COMMIT.
 */
function txOf(client: pg.PoolClient, begin?: string): { tx: Tx; begun: () => boolean; commit: () => Promise<void> } {
  const opening = begin === undefined ? undefined : { text: begin };
  const waiting: Waiting[] = opening ? [opening] : [];
  /** The BEGIN waits first in line until it is sent. */
  const begun = () => opening !== undefined && waiting[0] !== opening;
  /** Sends what waits and then `text` (the statement whose result is wanted, if any); the last one's rows. */
  const sendWithWaiting = async (text?: string) => {
    const batch = text === undefined ? [...waiting] : [...waiting, { text }];
    waiting.length = 0;
    const sent = await client.query({ text: batch.map((statement) => statement.text).join('; '), types });
    const results = batch.length === 1 ? [sent] : (sent as unknown as pg.QueryResult[]);
    for (const [i, statement] of batch.entries()) statement.check?.(results[i]!.rows);
    return results[results.length - 1]!.rows;
  };
  const query = async (sql: string, params: unknown[]) => {
    if (waiting.length === 0) return (await client.query({ ...toPostgres(sql), values: params, types })).rows;
    return sendWithWaiting(await executed(client, sql, params));
  };
  const tx: Tx = {
    get: async <T>(sql: string, ...params: unknown[]) => (await query(sql, params))[0] as T | undefined,
    all: async <T>(sql: string, ...params: unknown[]) => (await query(sql, params)) as T[],
    run: async (sql: string, ...params: unknown[]) => {
      if (begin === undefined) await query(sql, params);
      else waiting.push({ text: await executed(client, sql, params) });
    },
    require: async (sql: string, params: unknown[], failure: () => Error) => {
      const check = (rows: unknown[]) => {
        if (rows.length === 0) throw failure();
      };
      if (begin === undefined) check(await query(sql, params));
      else waiting.push({ text: await executed(client, sql, params), check });
    },
  };
  return {
    tx,
    begun,
    commit: async () => {
      // Nothing was sent and at most the BEGIN waits (a read, or a change that neither read nor
      // wrote): there is no transaction to commit.
      if (!begun() && waiting.length <= 1) return;
      // A required row is known to exist before anything commits.
      if (waiting.some((statement) => statement.check)) await sendWithWaiting();
      await sendWithWaiting('COMMIT');
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

/** How long the listening connection waits before it tries again, once lost. */
const RELISTEN_MS = 500;
const CHANNEL_PREFIX = 'payouts_sandbox_';
/** Where each process says it has heard an announcement (the announcement's ask the payload). */
const HEARD_CHANNEL = `${CHANNEL_PREFIX}heard`;
/** The application name of every process's listening connection, so an announcer can count them. */
const LISTENER_NAME = 'payouts-sandbox-listener';
/**
 * How long a committed announcement waits for every listening process to say it heard it. Only a
 * process whose listening connection is going down misses it, and that process keeps nothing.
 */
const HEARD_WITHIN_MS = 2000;

/** One announcement's acknowledgements, counted as they come. */
interface Ask {
  heard: number;
  wake: () => void;
}

/**
 * Changes announced with NOTIFY and heard on one connection of each process's own that LISTENs.
 * NOTIFY is delivered after the announcing transaction commits, while its answer may already be on
 * the way: so each process says it heard (a NOTIFY back, once it has acted), and the announcing
 * write returns only when every listening connection on the database has. While a process's
 * listening connection is down, announcements are missed: its listeners hear undefined, and `live`
 * is false until it listens again.
 */
class NotifyFeed implements ChangeFeed {
  private client: pg.Client | undefined;
  private readonly listeners = new Map<string, ((detail: string | undefined) => void)[]>();
  private readonly asks = new Map<string, Ask>();
  /** The asks of the announcements each open transaction made. */
  private readonly asksOf = new WeakMap<Tx, string[]>();
  private live = false;
  private closed = false;

  constructor(private readonly url: string) {}

  async announce(tx: Tx, topic: string, detail: string): Promise<void> {
    const ask = randomUUID();
    this.asks.set(ask, { heard: 0, wake: () => undefined });
    this.asksOf.set(tx, [...(this.asksOf.get(tx) ?? []), ask]);
    await tx.run('SELECT pg_notify(?, ?)', `${CHANNEL_PREFIX}${topic}`, JSON.stringify({ ask, detail }));
  }

  /**
   * Once `tx` has committed: waits until every listening process has heard what it announced.
   * `count` reads how many listening connections the database has; where it cannot, the wait is
   * the whole HEARD_WITHIN_MS. Never fails: the change is committed whatever happens here.
   */
  async heardEverywhere(tx: Tx, count: () => Promise<number>): Promise<void> {
    const asks = this.asksOf.get(tx) ?? [];
    if (asks.length === 0) return;
    try {
      const listening = await count().catch(() => Number.POSITIVE_INFINITY);
      const deadline = Date.now() + HEARD_WITHIN_MS;
      for (const id of asks) {
        const ask = this.asks.get(id)!;
        while (ask.heard < listening && Date.now() < deadline) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, deadline - Date.now());
            ask.wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
      }
    } finally {
      this.dropAsks(tx);
    }
  }

  /** Forgets the asks of a transaction that rolled back (nothing was announced). */
  dropAsks(tx: Tx): void {
    for (const id of this.asksOf.get(tx) ?? []) this.asks.delete(id);
    this.asksOf.delete(tx);
  }

  async hear(topic: string, heard: (detail: string | undefined) => void): Promise<() => boolean> {
    const known = this.listeners.has(topic);
    this.listeners.set(topic, [...(this.listeners.get(topic) ?? []), heard]);
    if (this.client === undefined) await this.listen();
    else if (!known) await this.client.query(`LISTEN ${CHANNEL_PREFIX}${topic}`);
    return () => this.live;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.live = false;
    await this.client?.end().catch(() => undefined);
  }

  private missed(): void {
    for (const listeners of this.listeners.values()) for (const heard of listeners) heard(undefined);
  }

  /** Acts on an announcement, then says so to the announcer. */
  private onNotification(client: pg.Client, message: pg.Notification): void {
    if (message.channel === HEARD_CHANNEL) {
      const ask = this.asks.get(message.payload ?? '');
      if (ask) {
        ask.heard += 1;
        ask.wake();
      }
      return;
    }
    const { ask, detail } = JSON.parse(message.payload ?? '{}') as { ask: string; detail: string };
    for (const heard of this.listeners.get(message.channel.slice(CHANNEL_PREFIX.length)) ?? []) heard(detail);
    // A lost connection is heard as such (missed()); the announcer then waits out HEARD_WITHIN_MS.
    client.query('SELECT pg_notify($1, $2)', [HEARD_CHANNEL, ask]).catch(() => undefined);
  }

  /** Connects and listens on every topic; anything announced before is missed. */
  private async listen(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: LISTENER_NAME,
    });
    this.client = client;
    const lost = () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.live = false;
      this.missed();
      client.end().catch(() => undefined);
      // A failed attempt is lost too, and tries again.
      if (!this.closed) setTimeout(() => void this.listen().catch(() => undefined), RELISTEN_MS).unref();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => this.onNotification(client, message));
    try {
      await client.connect();
      for (const channel of [HEARD_CHANNEL, ...[...this.listeners.keys()].map((topic) => `${CHANNEL_PREFIX}${topic}`)])
        await client.query(`LISTEN ${channel}`);
    } catch (error) {
      lost();
      throw error;
    }
    this.live = true;
    this.missed();
  }
}

export class PostgresDatabase implements Database {
  readonly dialect = DIALECT;
  readonly changes: NotifyFeed;

  private constructor(
    private readonly pool: pg.Pool,
    readonly name: string,
    url: string,
  ) {
    this.changes = new NotifyFeed(url);
  }

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
    return new PostgresDatabase(pool, name, url);
  }

  async write<T>(change: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN', change);
  }

  /**
   * No transaction around a read: each statement sees its own snapshot, and costs one round trip
   * (a BEGIN and a COMMIT would cost two more). What must agree is read in one statement: a page
   * carries its count (Payouts.page).
   */
  read<T>(query: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transaction(undefined, query);
  }

  /** Any process may commit at any time, and asking would cost what counting does. */
  async dataVersion(): Promise<undefined> {
    return undefined;
  }

  /** Reads see committed data only, and changes do not fill the render cache: a rollback voids nothing. */
  onRollback(): void {}

  async close(): Promise<void> {
    await this.changes.close();
    await this.pool.end();
  }

  /** Runs `work` in a transaction opened by `begin` (none when undefined), run again when it lost a race. */
  private async transaction<T>(begin: string | undefined, work: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      const { tx, begun, commit } = txOf(client, begin);
      let broken = false;
      try {
        const result = await work(tx);
        await commit();
        await this.changes.heardEverywhere(tx, async () => {
          const { rows } = await client.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1',
            [LISTENER_NAME],
          );
          return rows[0]!.n;
        });
        return result;
      } catch (error) {
        this.changes.dropAsks(tx);
        try {
          if (begun()) await client.query('ROLLBACK');
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
