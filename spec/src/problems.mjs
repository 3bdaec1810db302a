// @ts-check
import { relative } from 'node:path';
import { getCodeframe, getLineColLocation } from '@redocly/openapi-core';

/**
 * `openapi/paths/payouts.yaml:12:9 no-unresolved-refs: Can't resolve $ref` and the source line, as
 * Redocly's codeframe names it.
 * @param {import('@redocly/openapi-core').NormalizedProblem} problem
 * @param {string} specDir
 */
export function describeProblem(problem, specDir) {
  const location = problem.location[0];
  if (!location) return `${problem.ruleId}: ${problem.message}`;
  const lineCol = getLineColLocation(location);
  const file = relative(specDir, location.source.absoluteRef);
  return `${file}:${lineCol.start.line}:${lineCol.start.col} ${problem.ruleId}: ${problem.message}\n${getCodeframe(lineCol, false)}`;
}
