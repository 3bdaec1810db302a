export { type Base, lastRelease, resolveBase } from './base.js';
export { type ConsumerBreak, checkConsumers } from './consumers.js';
export { type DiffOptions, diffSpecs, summaryLine } from './diff.js';
export {
  type Audience,
  type BrokenConsumer,
  type Bump,
  type Change,
  type DiffResult,
  EXTENSIBLE_ENUM,
  highestBump,
  type Impact,
  impactRank,
  rateChanges,
} from './rate.js';
export { type ChangeEntry, changeEntries, consumerLines, renderJson, renderText } from './render.js';
export { nextVersion, requiredVersion, versionProblem } from './version.js';
