// Group commit on SQLite. A change runs at once, in a savepoint of the batch transaction (BEGIN
// IMMEDIATE: the write lock is taken before anything is read, so a racing request, here or in
// another process on the file, sees the winner's result). The batch commits once this turn of the
// event loop is over, with one sync to disk for every request that arrived meanwhile, and only
// then are their answers released: nothing is acknowledged before it is on disk.
import type { Db } from '../db.js';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export class GroupCommit {
  /** The open batch: one callback per request in it, called once the batch is committed. */
  private batch: ((failure?: Error) => void)[] | undefined;

  constructor(
    private readonly db: Db,
    /** Called when a batch is rolled back: whatever was derived from its changes is void. */
    private readonly onRollback: () => void,
  ) {}

  /** Runs `change` in the open batch; resolves with its result once the batch is on disk. */
  write<T>(change: () => T): Promise<T> {
    const settleAfterCommit = this.joinBatch<T>();
    let outcome: Outcome<T>;
    try {
      outcome = { ok: true, value: this.db.transaction(change) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    return settleAfterCommit(outcome);
  }

  /** A read sees the open batch's changes, so its answer too waits until they are committed. */
  read<T>(query: () => T): Promise<T> {
    if (!this.batch) return Promise.resolve(query());
    return this.write(query);
  }

  /** Commits the open batch, if any, and settles its requests. */
  commit(): void {
    const waiting = this.batch;
    if (!waiting) return;
    this.batch = undefined;
    let failure: Error | undefined;
    try {
      this.db.exec('COMMIT');
    } catch (error) {
      failure = new Error(`the database could not commit: ${(error as Error).message}`);
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.onRollback();
    }
    for (const settle of waiting) settle(failure);
  }

  private joinBatch<T>(): (outcome: Outcome<T>) => Promise<T> {
    if (!this.batch) {
      this.db.exec('BEGIN IMMEDIATE');
      this.batch = [];
      setImmediate(() => this.commit());
    }
    const batch = this.batch;
    return (outcome) =>
      new Promise((resolve, reject) =>
        batch.push((failure) => {
          if (failure) reject(failure);
          else if (outcome.ok) resolve(outcome.value);
          else reject(outcome.error);
        }),
      );
  }
}
