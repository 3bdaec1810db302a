// What the store asks of a database, so that one lifecycle runs on SQLite (embedded, one file) and
// on PostgreSQL (several sandbox processes behind one server). SQL is written once, with `?`
// placeholders, in the subset both speak; the few places they differ are the Dialect.

/** One transaction's view of the database. */
export interface Tx {
  get<T>(sql: string, ...params: unknown[]): Promise<T | undefined>;
  all<T>(sql: string, ...params: unknown[]): Promise<T[]>;
  run(sql: string, ...params: unknown[]): Promise<void>;
  /**
   * Fails the transaction with `failure()` unless `sql` finds a row. Checked before the
   * transaction's next read answers or it commits, whichever comes first: on PostgreSQL the
   * statement travels with that one instead of costing a round trip of its own.
   */
  require(sql: string, params: unknown[], failure: () => Error): Promise<void>;
}

/** The next number of one of a tenant's own sequences, as `{ next }` (args: tenant, sequence name); one statement on both stores. */
export const NEXT_TENANT_NUMBER = `INSERT INTO tenant_sequences (tenant, name, next) VALUES (?, ?, 1)
  ON CONFLICT (tenant, name) DO UPDATE SET next = tenant_sequences.next + 1 RETURNING next`;

export interface Dialect {
  /** A query answering `{ next }`: the next number of a table's `seq` (payouts, export_lines): the row's key, never shown. */
  nextSeq(table: 'payouts' | 'export_lines'): string;
  /** Appended to a SELECT of a row the transaction will change: a row lock where the database has them. */
  readonly forUpdate: string;
  /** Appended to a SELECT of a row that must not change or go until the transaction ends (a tenant its write belongs to). */
  readonly forShare: string;
  /**
   * A statement that holds the transaction until no other holds the same key (one `?`), where
   * concurrent writers exist; SQLite's single writer needs none.
   */
  readonly lockKey?: string;
}

/** Announcements of changes, heard by every process on one database. */
export interface ChangeFeed {
  /** Tells every process (this one included) that `topic` changed, once `tx` commits; `detail` says what. */
  announce(tx: Tx, topic: string, detail: string): Promise<void>;
  /**
   * Calls `heard` with the detail of each announcement of `topic`, and with undefined whenever
   * some may have been missed (the connection that hears them was lost); answers whether every
   * announcement is heard now, so a process keeps what it read only while that holds.
   */
  hear(topic: string, heard: (detail: string | undefined) => void): Promise<() => boolean>;
}

export interface Database {
  /** What the banner and errors call it (a file, or a URL without its password). */
  readonly name: string;
  readonly dialect: Dialect;
  /**
   * Runs a change in a transaction that commits before the promise resolves: nothing is answered
   * before it is durable. Concurrent writers, here or in another process, are serialised by the
   * database; a change that lost a race is run again and sees the winner's result.
   */
  write<T>(change: (tx: Tx) => Promise<T>): Promise<T>;
  /** Runs a query against committed data (and, on SQLite, what the open batch has written). */
  read<T>(query: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * A tag that changes whenever what a read sees may have changed (a write here, a commit by
   * another connection), so a derived figure (a count) can be kept until it does; undefined where
   * the database offers no cheap way to tell, and the figure must be computed every time.
   */
  dataVersion(): Promise<string | undefined>;
  /**
   * Where several processes share the database and it can tell them of a change (PostgreSQL's
   * LISTEN/NOTIFY), what one process kept of `topic` is dropped on every process when another
   * changes it; absent elsewhere, and nothing may then be kept.
   */
  readonly changes?: ChangeFeed;
  /** Called when a write is rolled back: whatever was derived from what it read is void. */
  onRollback(listener: () => void): void;
  /** Commits what is pending and closes the connections. */
  close(): Promise<void>;
}

/** Whether a --db value names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** The newest schema version a database may have and still be served; a newer one is refused by name. */
export function newerSchemaError(name: string, found: number, known: number): Error {
  return new Error(`${name} has schema version ${found}, newer than this sandbox knows (${known}): use a newer sandbox or another --db`);
}
