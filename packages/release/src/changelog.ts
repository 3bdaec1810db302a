// The changelog entry of a release, written from the diff for the people who call the API: per
// operation, breaking changes first, each with what to do; then additions; then the rest.
import { type Change, changeEntries, type DiffResult } from '@payouts/diff';

/** The first line of every entry: `## 2.0.0 (2026-11-29)`. */
export const ENTRY_HEADING = /^## \d+\.\d+\.\d+ \(\d{4}-\d{2}-\d{2}\)$/m;

const HEADER = `# Changelog of the Payouts API contract

One version for the contract: \`info.version\` of the spec, carried by every published \`@payouts/*\`
package. Written by \`pnpm release\` from \`pnpm spec:diff\`; newest first.
`;

/** What the people a breaking change breaks have to do about it. */
function whatToDo(change: Change): string {
  const who = change.audiences.join(' and ');
  const m = change.message;
  if (/^The example consumer no longer compiles/.test(m)) return `${who}: code like this no longer compiles against the new types.`;
  if (/^Path .* was removed/.test(m)) return `${who}: stop calling it.`;
  if (/was removed \(response\)/.test(m)) return `${who}: stop reading it.`;
  if (/was removed \(request\)/.test(m)) return `${who}: stop sending it.`;
  if (/became required/.test(m)) return `${who}: send it on every request.`;
  if (/ gained the values? /.test(m)) return `${who}: handle the new values (or give the switch a default branch).`;
  if (/ lost the values? /.test(m)) return `${who}: stop sending the values that went.`;
  return `${who}: check your code against the new types; \`pnpm spec:diff --base <your version>\` names each change.`;
}

/** The same change met in several operations is one line naming them all. */
function lines(changes: Change[], withWhatToDo: boolean): string[] {
  return changeEntries(changes).map(({ change, operations, consumers: broken }) => {
    const where = operations.map((op) => (op === null ? 'The whole API' : `\`${op}\``)).join(', ');
    const consumers = broken.length ? ` Breaks the registered consumers ${broken.join(', ')}.` : '';
    return `- ${where}: ${change.message}${consumers}${withWhatToDo ? ` **What to do**: ${whatToDo(change)}` : ''}`;
  });
}

export function changelogEntry(version: string, date: string, previous: string, result: DiffResult): string {
  const breaking = result.changes.filter((c) => c.impact === 'major');
  const additions = result.changes.filter((c) => c.impact === 'minor');
  const rest = result.changes.filter((c) => c.impact === 'patch');
  const broken = [...new Set(breaking.flatMap((c) => c.audiences))];
  const kind =
    result.bump === 'major'
      ? `A major release: it breaks ${broken.join(', ')}.`
      : result.bump === 'minor'
        ? 'A minor release: additions only; nothing a caller relies on changed.'
        : 'A patch release: descriptions and examples only.';
  const out = [`## ${version} (${date})`, '', `${kind} Changes since ${previous}:`];
  if (breaking.length) out.push('', '### Breaking changes', '', ...lines(breaking, true));
  if (additions.length) out.push('', '### Additions', '', ...lines(additions, false));
  if (rest.length) out.push('', '### Descriptions and examples', '', ...lines(rest, false));
  return `${out.join('\n')}\n`;
}

/** The changelog with `entry` first (newest first), made when there was none. */
export function withEntry(existing: string | undefined, entry: string): string {
  const text = existing ?? HEADER;
  const first = ENTRY_HEADING.exec(text);
  if (!first) return `${text.trimEnd()}\n\n${entry}`;
  return `${text.slice(0, first.index)}${entry}\n${text.slice(first.index)}`;
}
