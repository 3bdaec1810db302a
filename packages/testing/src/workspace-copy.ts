import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  execFileSync('pnpm', ['install', '--offline', '--frozen-lockfile', '--reporter=silent'], { cwd: dir, stdio: 'inherit' });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
