// The diff as a person reads it: each change once, with its impact, who it breaks, where, what,
// and every operation it reaches; and as JSON for tools (exactly `{bump, changes}`, one entry per
// operation).
import type { Change, DiffResult } from './rate.js';

/** One change as people read it: met in these operations (null: the API as a whole), breaking these registered consumers. */
export interface ChangeEntry {
  change: Change;
  operations: (string | null)[];
  /** Where it is in each: one place for a shared component, one per operation for an edit made in each. */
  locations: string[];
  consumers: string[];
}

/**
 * The same change met in several operations is one entry naming them all, in the order the changes
 * come: the same words (which name the thing changed) with the same rating.
 */
export function changeEntries(changes: Change[]): ChangeEntry[] {
  const entries = new Map<string, ChangeEntry>();
  for (const change of changes) {
    const key = JSON.stringify([change.message, change.impact, change.audiences]);
    const entry = entries.get(key) ?? { change, operations: [], locations: [], consumers: [] };
    if (!entry.operations.includes(change.operationId)) entry.operations.push(change.operationId);
    if (!entry.locations.includes(change.location)) entry.locations.push(change.location);
    for (const consumer of change.consumers ?? []) if (!entry.consumers.includes(consumer)) entry.consumers.push(consumer);
    entries.set(key, entry);
  }
  return [...entries.values()];
}

export function renderText(result: DiffResult, baseLabel: string, headLabel: string): string {
  const lines = [`spec:diff ${baseLabel} -> ${headLabel}: ${result.bump === 'none' ? 'no change' : `${result.bump} bump`}`];
  lines.push(...consumerLines(result));
  for (const { change, operations, locations, consumers } of changeEntries(result.changes)) {
    const who = change.audiences.length ? `breaks ${change.audiences.join(', ')}` : 'breaks nobody';
    const where = operations.map((op) => op ?? '(the whole API)').join(', ');
    const more = locations.length > 1 ? ` and ${locations.length - 1} more like it` : '';
    lines.push('', `${change.impact.padEnd(5)}  ${who}  ${where}`, `       ${change.message}`, `       at ${locations[0]}${more}`);
    if (consumers.length) lines.push(`       breaks the registered consumers ${consumers.join(', ')}`);
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
