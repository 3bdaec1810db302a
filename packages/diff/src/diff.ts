// A spec diff as the toolchain reports it: the rated changes, then what the example consumers say
// (a consumer that no longer compiles is a major change, and a disagreement with the rules is
// named as such), and the summary line `pnpm dev` prints after each save.

import { readContracts } from '@payouts/contracts';
import { SpecModel } from '@payouts/model';
import { attributeChanges, brokenConsumers } from './broken-consumers.js';
import type { ConsumerBreak } from './consumers.js';
import { type Audience, type Change, type DiffResult, highestBump, impactRank, rateChanges } from './rate.js';
import { consumerLines } from './render.js';

export interface DiffOptions {
  baseFile: string;
  headFile: string;
  /** Type-check the example consumers against the head too (a few seconds). Default true. */
  consumers?: boolean;
  /** A directory of consumer contracts: name the consumers the change breaks (`brokenConsumers`, each change's `consumers`). */
  contracts?: string;
  /** Aborting it ends the diff's child process (pnpm dev stopping mid-diff). */
  signal?: AbortSignal;
}

export async function diffSpecs(options: DiffOptions): Promise<DiffResult> {
  // Read before the diff starts: a contract that is not a pact stops it at once.
  const contracts = options.contracts === undefined ? undefined : readContracts(options.contracts);
  const [rated, breaks] = await Promise.all([
    rateChanges(options.baseFile, options.headFile, options.signal),
    options.consumers === false ? [] : exampleConsumerBreaks(options.headFile),
  ]);
  const result = withExampleConsumers(rated, breaks, options);
  if (!contracts) return result;
  const broken = brokenConsumers(contracts, SpecModel.load(options.baseFile), SpecModel.load(options.headFile));
  attributeChanges(result.changes, broken);
  return {
    ...result,
    brokenConsumers: broken.map(({ name, interactions }) => ({ name, interactions })),
    registeredConsumers: contracts.length,
  };
}

/**
 * Loaded only when asked for: the check brings TypeScript and openapi-typescript with it, about
 * half a CPU-second of every `spec:diff --no-consumers` (and of a usage error) before it.
 */
async function exampleConsumerBreaks(headFile: string): Promise<ConsumerBreak[]> {
  const { checkConsumers } = await import('./consumers.js');
  return checkConsumers(headFile);
}

/** The rated changes, with each example consumer that no longer compiles as a major change. */
function withExampleConsumers(rated: DiffResult, breaks: ConsumerBreak[], options: DiffOptions): DiffResult {
  if (breaks.length === 0) return rated;
  const operations = [...SpecModel.load(options.baseFile).operations, ...SpecModel.load(options.headFile).operations];
  const changes: Change[] = [...rated.changes];
  for (const broken of breaks) {
    // The consumers' exported functions are named after the operation they use; a helper they share is in none.
    const op = operations.find((o) => o.operationId === broken.within);
    const audience: Audience = op?.credentialHeaders.some((h) => h !== 'Authorization') ? 'callback-senders' : 'callers';
    const ruled = op ? highestBump(rated.changes.filter((c) => c.operationId === op.operationId).map((c) => c.impact)) : rated.bump;
    const disagreement =
      impactRank(ruled) < impactRank('major')
        ? ` The rules rate ${op ? op.operationId : 'the whole diff'} ${ruled === 'none' ? 'unchanged' : ruled}: they disagree with the consumer.`
        : '';
    changes.push({
      operationId: op?.operationId ?? null,
      location: broken.location,
      impact: 'major',
      audiences: [audience],
      message: `The example consumer no longer compiles${broken.within ? ` (in ${broken.within})` : ''}: ${broken.message}${disagreement}`,
    });
  }
  return { bump: highestBump(changes.map((c) => c.impact)), changes };
}

/**
 * One line: `this save vs v1.2.0: 1 major (callers): Field `utr` of `Payout` was removed
 * (response).`; with contracts checked, then the consumers it breaks, one line each problem.
 */
export function summaryLine(result: DiffResult, label: string): string {
  if (result.bump === 'none') return [`${label}: no change to the contract`, ...consumerLines(result)].join('\n');
  const counts = (['major', 'minor', 'patch'] as const)
    .map((impact) => {
      const of = result.changes.filter((c) => c.impact === impact);
      if (of.length === 0) return undefined;
      const audiences = [...new Set(of.flatMap((c) => c.audiences))];
      return `${new Set(of.map((c) => `${c.location} ${c.message}`)).size} ${impact}${audiences.length ? ` (${audiences.join(', ')})` : ''}`;
    })
    .filter(Boolean);
  const first = result.changes[0]!;
  return [`${label}: ${counts.join(', ')}: ${first.message}`, ...consumerLines(result)].join('\n');
}
