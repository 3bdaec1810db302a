// Shared by the benchmarks: start a server as a child process, wait until it answers, stop it.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findFreePort, startProcess } from '@payouts/process';

export const SANDBOX_CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
export const TOKEN = 'bench-token';
export const AUTH = { authorization: `Bearer ${TOKEN}` };
export const DEBIT_BANK = 'f808a4b5-d281-4988-8261-8c7ac0a8abbc';
export const CREDIT_BANK = '9d3b7a1e-2f4c-4b8a-9e6d-5c0f1a2b3c4d';

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

let made = 0;

export function newPayoutBody() {
  made += 1;
  const suffix = String(made).padStart(12, '0');
  return {
    loan: `0f1e2d3c-4b5a-4697-8877-${suffix}`,
    account: `5e4d3c2b-1a09-4f8e-8d7c-${suffix}`,
    type: 'disbursement',
    amount: 1000 + made,
    method: 'neft',
    payout_to: 'borrower',
    credit_bank_id: CREDIT_BANK,
  };
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
