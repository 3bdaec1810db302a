// Shared by the benchmarks: start a server as a child process, wait until it answers, stop it.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findFreePort, startProcess } from '@payouts/process';

export const SANDBOX_CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
export const TOKEN = 'bench-token';
export const AUTH = { authorization: `Bearer ${TOKEN}` };
export { DEBIT_BANK, newPayout as newPayoutBody } from '../dist/testing.js';
export { findFreePort as freePort, startProcess };

/** Starts the sandbox CLI; the banner's last line means it is ready. */
export async function startSandboxProcess(extraArgs = []) {
  const server = await startProcess(
    process.execPath,
    [SANDBOX_CLI, '--port', '0', '--token', TOKEN, '--quiet', ...extraArgs],
    /listening on (http:\/\/\S+)[\s\S]*\n {2}try: .*\n/,
  );
  return { ...server, url: server.found };
}

export async function request(url, method, body, headers = {}) {
  const response = await fetch(url, {
    method,
    headers: { ...AUTH, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) };
}

/** Fixed-width table rows for the console. */
export function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * CPU seconds (user + system) used so far by a process and every process below it, from /proc:
 * what a server spent, whatever the load generator or the rest of the machine was doing.
 */
export function cpuSeconds(rootPid) {
  const stats = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses; the fields after its last ')' do not.
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process ended while we looked
    }
  }
  let ticks = 0;
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.pop();
    ticks += stats.get(pid)?.ticks ?? 0;
    for (const [child, stat] of stats) if (stat.parent === pid) queue.push(child);
  }
  return ticks / CLOCK_TICKS;
}
