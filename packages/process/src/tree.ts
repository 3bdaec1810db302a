// Looking at processes from outside (Linux /proc): what tests use to prove nothing was left behind.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

function parentOf(pid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 4, after the parenthesised command name (which may hold spaces), is the parent pid.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined; // exited while we looked
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** Every live process below `pid`, children first. */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = parentOf(entry);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const child of children.get(parent) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

/** The direct children of `parentPid` whose command line contains `text`. */
export function childProcesses(parentPid: number, text: string): number[] {
  return descendantsOf(parentPid).filter((pid) => parentOf(String(pid)) === parentPid && commandLine(pid).includes(text));
}

/** Whether `pid` still runs: an exited process its parent has not reaped yet (a zombie) does not. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

/** `pid: command line`, for a test failure that lists survivors. */
export function describeProcess(pid: number): string {
  return `${pid}: ${commandLine(pid)}`;
}

/** TCP ports a process listens on (its socket inodes matched to the LISTEN rows of /proc/net). */
export function listeningPorts(pid: number): number[] {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return []; // it exited while we looked
  }
  const inodes = new Set(
    fds
      .map((fd) => {
        try {
          return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        } catch {
          return undefined;
        }
      })
      .filter((inode): inode is string => inode !== undefined),
  );
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const row of readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      const columns = row.trim().split(/\s+/);
      const [localAddress = '', state, inode = ''] = [columns[1], columns[3], columns[9]];
      if (state === '0A' && inodes.has(inode)) ports.push(Number.parseInt(localAddress.split(':')[1] ?? '', 16));
    }
  }
  return ports;
}

/** Polls until `condition` holds; false when it did not within `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}
