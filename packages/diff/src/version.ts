// One version for the contract: `info.version` of the spec. A change rated major against the last
// release needs a new major, a minor one a new minor (at least); patch changes may wait for the
// release. The published packages carry the last released version.
import { compareVersions } from '@payouts/spec';
import type { Bump, DiffResult } from './rate.js';

/** The version a release of `bump` after `last` gets. */
export function nextVersion(last: string, bump: Bump): string {
  const [major, minor, patch] = last.split('.').map(Number) as [number, number, number];
  if (bump === 'major') return `${major + 1}.0.0`;
  if (bump === 'minor') return `${major}.${minor + 1}.0`;
  if (bump === 'patch') return `${major}.${minor}.${patch + 1}`;
  return last;
}

/** The least version the spec's `info.version` must be at, given the changes since `last`; patch changes may wait. */
export function requiredVersion(last: string, bump: Bump): string {
  return bump === 'major' || bump === 'minor' ? nextVersion(last, bump) : last;
}

/** Undefined when `version` keeps up with the changes since `last`, else why not, naming the changes. */
export function versionProblem(result: DiffResult, last: string, version: string): string | undefined {
  const needed = requiredVersion(last, result.bump);
  if (compareVersions(version, needed) >= 0) return undefined;
  const named = result.changes
    .filter((c) => c.impact === result.bump)
    .map((c) => `  - ${c.operationId ?? '(document)'}: ${c.message} [${c.location}]`);
  return [
    `the spec has ${result.bump} changes against v${last}, but info.version is ${version}: set it to ${needed} (spec/openapi/openapi.yaml), or undo these:`,
    ...new Set(named),
  ].join('\n');
}
