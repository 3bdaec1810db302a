import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where Node ships node:sqlite (22.13+), the sandbox uses it and never loads better-sqlite3
 * (`packages/sandbox/src/store/sqlite-connection.ts`), whose install script is the workspace's only
 * build: a copy's install skips it there, since pnpm keeps native builds per Node version and,
 * with none for this one, compiles it (a minute of CPU) in every copy.
 */
const SKIP_BUILDS = isBuiltin('node:sqlite') ? ['--ignore-scripts'] : [];

/**
 * A throwaway copy of the workspace as git sees it (tracked and new files, nothing ignored), with
 * its packages installed from the local store: a test or a bench can edit its spec freely.
 */
export async function copyWorkspace(root: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'payouts-dev-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  await Promise.all(
    files.map(async (file) => {
      await cp(join(root, file), join(dir, file), { force: true }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error; // deleted in the work tree but not yet in git
      });
    }),
  );
  execFileSync('pnpm', ['install', '--offline', '--frozen-lockfile', '--reporter=silent', ...SKIP_BUILDS], { cwd: dir, stdio: 'inherit' });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
