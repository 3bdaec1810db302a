// The diff as a person reads it: grouped by operation, each change with its impact, who it
// breaks, where, and what; and as JSON for tools (exactly `{bump, changes}`).
import type { Change, DiffResult } from './rate.js';

export function renderText(result: DiffResult, baseLabel: string, headLabel: string): string {
  const lines = [`spec:diff ${baseLabel} -> ${headLabel}: ${result.bump === 'none' ? 'no change' : `${result.bump} bump`}`];
  lines.push(...consumerLines(result));
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
      if (change.consumers?.length) lines.push(`         breaks the registered consumers ${change.consumers.join(', ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * What the change means for the registered consumers, first: `breaks loan-service: createPayout
 * requires \`topup\`...`, one line per problem; or that a major change breaks none of them.
 */
export function consumerLines(result: DiffResult): string[] {
  const broken = result.brokenConsumers;
  if (!broken) return [];
  const registered = `${result.registeredConsumers ?? 0} registered consumer${result.registeredConsumers === 1 ? '' : 's'}`;
  if (broken.length === 0)
    return [result.bump === 'major' ? `the major change breaks none of the ${registered}` : `breaks none of the ${registered}`];
  return broken.flatMap((consumer) =>
    consumer.interactions.flatMap((interaction) =>
      interaction.problems.map((p) => `breaks ${consumer.name}: ${p.message} ("${interaction.description}", ${p.location})`),
    ),
  );
}

/** Exactly `{bump, changes}`; with contracts checked, each change's `consumers` and `broken_consumers` too. */
export const renderJson = (result: DiffResult): string => {
  const withContracts = result.brokenConsumers !== undefined;
  return `${JSON.stringify({
    bump: result.bump,
    changes: result.changes.map(({ operationId, location, impact, audiences, message, consumers }) => ({
      operationId,
      location,
      impact,
      audiences,
      message,
      ...(withContracts ? { consumers: consumers ?? [] } : {}),
    })),
    ...(withContracts ? { broken_consumers: result.brokenConsumers } : {}),
  })}\n`;
};
