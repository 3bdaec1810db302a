import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, unwatchFile, watchFile } from 'node:fs';
import { join, relative } from 'node:path';

// Editors save in bursts (write a temp file, rename, chmod): one rebuild per burst.
const SETTLE_MS = 100;
// How often a polled file is looked at.
const POLL_MS = 100;
// How often a watched folder's files are: a save is seen within this, then settles for SETTLE_MS.
const TREE_POLL_MS = 50;

export interface FileWatcher {
  /** Stops watching; resolves once a call to `onSave` under way has finished. */
  close(): Promise<void>;
}

type OnSave = (changed: string[]) => Promise<void>;

/** A file's content as of now, or undefined once it is gone. */
function fingerprint(file: string): string | undefined {
  try {
    return createHash('sha1').update(readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
}

/**
 * Collects changed files (relative to `root`) and calls `onSave` once per burst, never twice at
 * once: changes made while `onSave` runs are folded into one more call after it. A file whose
 * content is what it was at the last call is no change: one save is often reported twice.
 */
function burstsOf(root: string, onSave: OnSave) {
  let pending = new Set<string>();
  const contents = new Map<string, string | undefined>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  const flush = () => {
    timer = undefined;
    if (running || closed) return;
    const changed = [...pending].filter((file) => {
      const now = fingerprint(join(root, file));
      if (contents.has(file) && contents.get(file) === now) return false;
      contents.set(file, now);
      return true;
    });
    pending = new Set();
    if (changed.length === 0) return;
    running = onSave(changed.sort())
      // onSave should report its own failures; one that escapes must not kill the watching process.
      .catch((error: unknown) => console.error(`rebuild on save failed: ${error instanceof Error ? error.stack : String(error)}`))
      .finally(() => {
        running = undefined;
        if (pending.size > 0) schedule();
      });
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(flush, SETTLE_MS);
  };
  return {
    changed(file: string) {
      pending.add(file);
      schedule();
    },
    close() {
      closed = true;
      clearTimeout(timer);
      return running ?? Promise.resolve();
    },
  };
}

/**
 * Every file below `dir` but those `ignore` names (paths relative to `dir`), polled: each file's
 * size, modification time and inode are looked at every TREE_POLL_MS. Polling, not inotify: editors save in
 * place or by renaming a new file over the old one, and Node's recursive watch on Linux loses a
 * file replaced that way (its later saves go unseen); a spec's few dozen files cost nothing to stat.
 */
export function watchFiles(
  dir: string,
  root: string,
  ignore: (file: string) => boolean,
  onSave: OnSave,
  /** Single files outside `dir` that count too (a config file beside it). */
  alsoFiles: string[] = [],
): FileWatcher {
  const bursts = burstsOf(root, onSave);
  const stamp = (file: string) => {
    try {
      const stats = statSync(file);
      return `${stats.size}:${stats.mtimeMs}:${stats.ino}`;
    } catch {
      return undefined;
    }
  };
  const scan = () => {
    const now = new Map<string, string | undefined>();
    let files: string[] = [];
    try {
      files = readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name));
    } catch {
      // the folder is being replaced: the next look sees it again
    }
    for (const file of files) if (!ignore(relative(dir, file))) now.set(file, stamp(file));
    for (const file of alsoFiles) now.set(file, stamp(file));
    return now;
  };
  let seen = scan();
  const timer = setInterval(() => {
    const now = scan();
    for (const [file, value] of now) if (seen.get(file) !== value) bursts.changed(relative(root, file));
    for (const file of seen.keys()) if (!now.has(file)) bursts.changed(relative(root, file));
    seen = now;
  }, TREE_POLL_MS);
  return {
    close() {
      clearInterval(timer);
      return bursts.close();
    },
  };
}

/**
 * One file, polled: it follows the path even when the file or its folder is replaced (as a build
 * tool's cache restore does), which an inotify watch on the old folder would miss.
 */
export function watchPath(file: string, root: string, onSave: OnSave): FileWatcher {
  const bursts = burstsOf(root, onSave);
  const listener = () => bursts.changed(relative(root, file));
  watchFile(file, { interval: POLL_MS }, listener);
  return {
    close() {
      unwatchFile(file, listener);
      return bursts.close();
    },
  };
}
