// A throwaway PostgreSQL server for tests and benches: Debian's postgresql binaries, a cluster in
// a temporary folder, on a free loopback port, run as the `postgres` system user when we are root
// (PostgreSQL refuses to run as root). Nothing listens beyond 127.0.0.1.
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { findFreePort, run as runChild } from '@payouts/process';
import pg from 'pg';

/** Runs a program to its end; a failure is an error with what it printed. */
async function run(command: string, args: string[]): Promise<{ stdout: string }> {
  const result = await runChild(command, args, { timeoutMs: 120_000 });
  if (result.code !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
  return result;
}

export interface PostgresCluster {
  /** postgres://postgres@127.0.0.1:PORT/postgres: the maintenance database, for making others. */
  url: string;
  port: number;
  /** A new empty database on the cluster, as a URL. */
  createDatabase(prefix?: string): Promise<string>;
  /** Stops the server: `immediate` is a crash (no checkpoint; recovery replays the WAL on start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops the server and removes its folder. */
  dispose(): Promise<void>;
}

/** Where Debian's postgresql package puts the server's programs (the newest version's). */
function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/pg_ctl): run `npm run setup:test`, which installs Debian's postgresql, or `apt-get install postgresql`",
    );
  }
  return join(root, versions[0]!, 'bin');
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  const asRoot = userInfo().uid === 0;
  const dir = await mkdtemp(join(tmpdir(), 'payouts-postgres-'));
  const data = join(dir, 'data');
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const uid = Number(stdout.trim());
    const { stdout: gidText } = await run('id', ['-g', 'postgres']);
    await chown(dir, uid, Number(gidText.trim()));
  }
  const pgRun = (program: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, program), ...args]) : run(join(bin, program), args);
  const port = await findFreePort('127.0.0.1');
  await pgRun('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
  const options = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dir}`,
    '-c max_connections=400',
    // Durable as in production: a COMMIT returns once its WAL is on disk.
    '-c fsync=on',
    '-c synchronous_commit=on',
  ].join(' ');
  const start = async () => {
    await pgRun('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    await pgRun('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
  };
  try {
    await start();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`could not start PostgreSQL from ${bin}: ${(error as Error).message}`);
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    createDatabase: (prefix) => createDatabase(url, prefix),
    stop,
    start,
    async dispose() {
      await stop('fast').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A new empty database on the server at `url` (its maintenance database), as a URL. */
export async function createDatabase(url: string, prefix = 'sandbox'): Promise<string> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const database = new URL(url);
  database.pathname = `/${name}`;
  return database.toString();
}
