// The store on SQLite, with group commit. Changes run one at a time (a SQLite connection has one
// transaction), each in a savepoint of the batch transaction (BEGIN IMMEDIATE: the write lock is
// taken before anything is read, so a racing request, here or in another process on the file,
// sees the winner's result). The batch commits once this turn of the event loop is over, with one
// sync to disk for every request that arrived meanwhile, and only then are their answers
// released: nothing is acknowledged before it is on disk.

import type { Database, Dialect, Tx } from './database.js';
import type { Db } from './sqlite-connection.js';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function outcomeOf<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error };
  }
}

const DIALECT: Dialect = {
  // Under the write lock no other writer can take the same number.
  nextSeq: (table) => `SELECT coalesce(max(seq), 0) + 1 AS next FROM ${table}`,
  forUpdate: '',
  forShare: '',
};

export class SqliteDatabase implements Database {
  readonly dialect = DIALECT;
  private readonly rollbackListeners: (() => void)[] = [];
  /** The open batch: one callback per request in it, called once the batch is committed. */
  private batch: ((failure?: Error) => void)[] | undefined;
  /** The tail of the queue every change and read waits its turn in. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Changes made through this connection (and batches rolled back): part of dataVersion. */
  private writes = 0;
  private readonly tx: Tx;

  constructor(
    readonly db: Db,
    readonly name: string,
  ) {
    this.tx = {
      get: async <T>(sql: string, ...params: unknown[]) => this.db.prepared(sql).get(...params) as T | undefined,
      all: async <T>(sql: string, ...params: unknown[]) => this.db.prepared(sql).all(...params) as T[],
      run: async (sql: string, ...params: unknown[]) => void this.db.prepared(sql).run(...params),
      require: async (sql: string, params: unknown[], failure: () => Error) => {
        if (this.db.prepared(sql).get(...params) === undefined) throw failure();
      },
    };
  }

  write<T>(change: (tx: Tx) => Promise<T>): Promise<T> {
    return this.inTurn(change, 'always');
  }

  /** A read sees the open batch's changes, so its answer too waits until they are committed. */
  read<T>(query: (tx: Tx) => Promise<T>): Promise<T> {
    return this.inTurn(query, 'if-open');
  }

  /** SQLite's data_version moves with other connections' commits; `writes` with this one's own changes. */
  async dataVersion(): Promise<string> {
    return `${this.db.pragma('data_version')}/${this.writes}`;
  }

  onRollback(listener: () => void): void {
    this.rollbackListeners.push(listener);
  }

  async close(): Promise<void> {
    await this.queue;
    this.commit();
    this.db.close();
  }

  /** Commits the open batch, if any, and settles its requests. */
  private commit(): void {
    const waiting = this.batch;
    if (!waiting) return;
    this.batch = undefined;
    let failure: Error | undefined;
    try {
      this.db.command('COMMIT');
    } catch (error) {
      failure = new Error(`the database could not commit: ${(error as Error).message}`);
      if (this.db.inTransaction) this.db.command('ROLLBACK');
      this.writes += 1;
      for (const listener of this.rollbackListeners) listener();
    }
    for (const settle of waiting) settle(failure);
  }

  /**
   * Runs `work` once everything queued before it has finished, in the batch (always for a change;
   * for a read, when one is open). Its answer then waits for the batch's commit outside the queue,
   * so the next request does not wait for the disk.
   */
  private inTurn<T>(work: (tx: Tx) => Promise<T>, batch: 'always' | 'if-open'): Promise<T> {
    const turn = this.queue.then(async () => {
      if (batch === 'if-open' && !this.batch) return { committed: undefined, outcome: await outcomeOf(() => work(this.tx)) };
      const committed = this.joinBatch();
      this.writes += 1;
      return { committed, outcome: await outcomeOf(() => this.savepoint(() => work(this.tx))) };
    });
    this.queue = turn.catch(() => undefined);
    return turn.then(async ({ committed, outcome }) => {
      await committed;
      if (!outcome.ok) throw outcome.error;
      return outcome.value;
    });
  }

  /** Joins the open batch, or opens one that commits at the end of this turn of the event loop. */
  private joinBatch(): Promise<void> {
    if (!this.batch) {
      this.db.command('BEGIN IMMEDIATE');
      this.batch = [];
      setImmediate(() => {
        this.queue = this.queue.then(() => this.commit());
      });
    }
    const batch = this.batch;
    return new Promise((resolve, reject) => batch.push((failure) => (failure ? reject(failure) : resolve())));
  }

  private savepoint<T>(change: () => Promise<T>): Promise<T> {
    return this.db.transactionAsync(change);
  }
}
