// What a verification found, and the three ways it is written: text for a person, JUnit XML for
// CI, JSON for tools.

export interface Check {
  operationId: string;
  /** What was checked, in a few words: 'no token -> 401', 'body.amount missing -> 4xx'. */
  name: string;
  /** The field, parameter or header it is about, when it is about one. */
  field?: string;
  /** Which part ran it: a Respect workflow step, or our own checks. */
  source: { kind: 'respect'; file: string; workflow: string; step: string } | { kind: 'verify'; suite: string };
  passed: boolean;
  expected: string;
  got: string;
  /** Every field-level problem behind `got`, one line each. */
  details?: string[];
  /** The request that showed it, as a curl line. */
  curl?: string;
}

export interface Report {
  baseUrl: string;
  /** The `info.version` of the spec the provider was verified against (pnpm can-i-deploy --verification compares it). */
  specVersion: string;
  only?: string;
  startedAt: string;
  durationMs: number;
  /** HTTP requests sent to the provider, by Respect and by our checks. */
  requests: number;
  passed: number;
  failed: number;
  checks: Check[];
  /** Checks that could not run, each with why (most need the provider's callback secret). */
  skipped: string[];
}

export function summarise(
  baseUrl: string,
  specVersion: string,
  only: string | undefined,
  startedAt: Date,
  checks: Check[],
  requests: number,
  skipped: string[] = [],
): Report {
  const failed = checks.filter((c) => !c.passed).length;
  return {
    baseUrl,
    specVersion,
    only,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(Date.now() - startedAt.getTime()),
    requests,
    passed: checks.length - failed,
    failed,
    checks,
    skipped,
  };
}

function byOperation(checks: Check[]): Map<string, Check[]> {
  const groups = new Map<string, Check[]>();
  for (const check of checks) groups.set(check.operationId, [...(groups.get(check.operationId) ?? []), check]);
  return groups;
}

const origin = (check: Check) =>
  check.source.kind === 'respect'
    ? `Respect ${check.source.file} > ${check.source.workflow} > ${check.source.step}`
    : `verify: ${check.source.suite}`;

/**
 * The report a person reads: one line per operation with its count, then each failure with
 * expected vs got, grouped under the request that showed it (as a curl line, sent once).
 */
export function renderText(report: Report): string {
  const lines = [`Contract verification of ${report.baseUrl}${report.only ? ` (only ${report.only})` : ''}`, ''];
  for (const [operationId, checks] of byOperation(report.checks)) {
    const failures = checks.filter((c) => !c.passed);
    lines.push(`${failures.length ? '✗' : '✓'} ${operationId}: ${checks.length - failures.length}/${checks.length} checks passed`);
    const byRequest = new Map<string, Check[]>();
    for (const check of failures) {
      const key = `${origin(check)}\n${check.curl ?? ''}`;
      byRequest.set(key, [...(byRequest.get(key) ?? []), check]);
    }
    for (const group of byRequest.values()) {
      const [first] = group as [Check, ...Check[]];
      lines.push(`  ${origin(first)}`);
      for (const check of group) {
        lines.push(`    ✗ ${check.field ? `${check.field}: ` : ''}${check.name.replace(/^[^:]+: /, '')}`);
        lines.push(`        expected: ${check.expected}`);
        lines.push(`        got:      ${check.got}`);
        for (const detail of check.details ?? []) lines.push(`          - ${detail}`);
      }
      if (first.curl) lines.push(`    request: ${first.curl}`);
    }
  }
  if (report.skipped.length > 0) {
    lines.push('', `Skipped (give the provider's callback secret in PAYOUTS_CALLBACK_SECRET to run them):`);
    for (const skipped of report.skipped) lines.push(`  - ${skipped}`);
  }
  lines.push('');
  lines.push(
    `${report.failed === 0 ? 'PASS' : 'FAIL'}: ${report.passed} passed, ${report.failed} failed, ` +
      `${report.skipped.length ? `${report.skipped.length} skipped, ` : ''}` +
      `${report.requests} requests in ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  return `${lines.join('\n')}\n`;
}

// XML 1.0 cannot carry C0 control characters other than tab, newline and carriage return.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters to remove.
const NOT_IN_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;
const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(NOT_IN_XML, '');

/** JUnit XML: one testsuite per operation, one testcase per check. */
export function renderJunit(report: Report): string {
  const suites = [...byOperation(report.checks)].map(([operationId, checks]) => {
    const failures = checks.filter((c) => !c.passed).length;
    const cases = checks.map((check) => {
      const name = xml(`${check.name}${check.field ? ` [${check.field}]` : ''}`);
      const head = `    <testcase classname="${xml(operationId)}" name="${name}">`;
      if (check.passed) return `${head}</testcase>`;
      const body = [`expected: ${check.expected}`, `got: ${check.got}`, ...(check.details ?? []), ...(check.curl ? [check.curl] : [])];
      return `${head}\n      <failure message="${xml(`expected ${check.expected}, got ${check.got}`)}">${xml(body.join('\n'))}</failure>\n    </testcase>`;
    });
    return `  <testsuite name="${xml(operationId)}" tests="${checks.length}" failures="${failures}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="payouts contract verification" tests="${report.checks.length}" failures="${report.failed}" time="${(report.durationMs / 1000).toFixed(3)}">\n` +
    `${suites.join('\n')}\n</testsuites>\n`
  );
}

export const renderJson = (report: Report) => `${JSON.stringify(report, null, 2)}\n`;
