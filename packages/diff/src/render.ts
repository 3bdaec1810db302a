// The diff as a person reads it: grouped by operation, each change with its impact, who it
// breaks, where, and what; and as JSON for tools (exactly `{bump, changes}`).
import type { Change, DiffResult } from './rate.js';

export function renderText(result: DiffResult, baseLabel: string, headLabel: string): string {
  const lines = [`spec:diff ${baseLabel} -> ${headLabel}: ${result.bump === 'none' ? 'no change' : `${result.bump} bump`}`];
  const groups = new Map<string, Change[]>();
  for (const change of result.changes) {
    const key = change.operationId ?? '(document)';
    groups.set(key, [...(groups.get(key) ?? []), change]);
  }
  for (const [operation, changes] of groups) {
    lines.push('', operation);
    for (const change of changes) {
      const who = change.audiences.length ? `breaks ${change.audiences.join(', ')}` : 'breaks nobody';
      lines.push(`  ${change.impact.padEnd(5)}  ${who}  ${change.location}`, `         ${change.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export const renderJson = (result: DiffResult): string =>
  `${JSON.stringify({
    bump: result.bump,
    changes: result.changes.map(({ operationId, location, impact, audiences, message }) => ({
      operationId,
      location,
      impact,
      audiences,
      message,
    })),
  })}\n`;
