// Which registered consumers a spec change breaks: every consumer contract judged against the base
// and against the head (@payouts/contracts); a consumer compatible with the base and not with the
// head is broken by the change (one already incompatible with the base is not). Each change is
// then tied to the consumers it breaks: a change of the operation a broken interaction calls,
// about the field a problem names; else the operation's breaking changes.
import { type Contract, judgeContracts, type Problem } from '@payouts/contracts';
import { parsePointer, type SpecModel } from '@payouts/model';
import type { BrokenConsumer, Change } from './rate.js';

interface Broken extends BrokenConsumer {
  /** The broken interactions' operations, each with the fields their problems name. */
  fields: Map<string, Set<string>>;
}

export function brokenConsumers(contracts: Contract[], base: SpecModel, head: SpecModel): Broken[] {
  const before = new Map(judgeContracts(base, contracts).consumers.map((c) => [c.name, c.compatible]));
  const broken: Broken[] = [];
  for (const consumer of judgeContracts(head, contracts).consumers) {
    if (consumer.compatible || !before.get(consumer.name)) continue;
    const bad = consumer.interactions.filter((i) => !i.compatible);
    const fields = new Map<string, Set<string>>();
    for (const interaction of bad) {
      const named = fields.get(interaction.operationId ?? '') ?? new Set<string>();
      for (const problem of interaction.problems) for (const field of fieldsNamed(problem)) named.add(field);
      fields.set(interaction.operationId ?? '', named);
    }
    broken.push({
      name: consumer.name,
      interactions: bad.map(({ description, problems }) => ({ description, problems })),
      fields,
    });
  }
  return broken;
}

/** `response.body.results[].status` -> `status`; a status the operation stopped documenting -> `201`. */
function fieldsNamed(problem: Problem): string[] {
  if (problem.location === 'response.status') return [...problem.message.matchAll(/status (\d{3})/g)].map((m) => m[1]!);
  const last = problem.location.split('.').at(-1)?.replace(/\[\]$/, '');
  return last ? [last] : [];
}

/** Marks each change with the consumers it breaks. */
export function attributeChanges(changes: Change[], broken: Broken[]): void {
  for (const change of changes) change.consumers = [];
  for (const consumer of broken) {
    for (const [operationId, fields] of consumer.fields) {
      const onOperation = changes.filter((c) => (c.operationId ?? '') === operationId);
      const aboutField = onOperation.filter((c) => {
        const segments = c.location.startsWith('#') ? parsePointer(c.location) : [];
        return [...fields].some((field) => segments.includes(field) || c.message.includes(`\`${field}\``));
      });
      const breaking = onOperation.filter((c) => c.impact === 'major');
      const chosen = aboutField.length > 0 ? aboutField : breaking.length > 0 ? breaking : onOperation;
      for (const change of chosen) if (!change.consumers!.includes(consumer.name)) change.consumers!.push(consumer.name);
    }
  }
}
