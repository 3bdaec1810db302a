import { createHash } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { join, relative, sep } from 'node:path';

// Editors save in bursts (write a temp file, rename, chmod): one rebuild per burst.
const SETTLE_MS = 100;

export interface SpecWatcher {
  close(): void;
}

// What builds write inside a watched package: never a reason to rebuild.
const IGNORED = new Set(['dist', 'node_modules', '.turbo']);

/** A file's content as of now, or undefined once it is gone. */
function fingerprint(file: string): string | undefined {
  try {
    return createHash('sha1').update(readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
}

/**
 * Calls `onSave` once per burst of changes below `dir`, never twice at once: changes made while
 * `onSave` runs are folded into one more call after it. A file whose content is what it was at
 * the last call is no change: editors and file systems report one save more than once.
 */
export function watchSources(dir: string, root: string, onSave: (changed: string[]) => Promise<void>): SpecWatcher {
  let pending = new Set<string>();
  const contents = new Map<string, string | undefined>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  const flush = async () => {
    timer = undefined;
    if (running || pending.size === 0 || closed) return;
    const changed = [...pending].filter((file) => {
      const now = fingerprint(join(root, file));
      if (contents.has(file) && contents.get(file) === now) return false;
      contents.set(file, now);
      return true;
    });
    pending = new Set();
    if (changed.length === 0) return;
    changed.sort();
    running = onSave(changed).finally(() => {
      running = undefined;
      if (pending.size > 0) schedule();
    });
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(flush, SETTLE_MS);
  };

  const watcher: FSWatcher = watch(dir, { recursive: true }, (_event, file) => {
    if (!file || IGNORED.has(file.split(sep)[0])) return;
    pending.add(relative(root, join(dir, file)));
    schedule();
  });
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      watcher.close();
    },
  };
}
