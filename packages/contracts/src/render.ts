// The report as people and tools read it: text naming each incompatible interaction and its
// problems, the exact JSON shape tools depend on, and can-i-deploy's consumer x operation matrix.
import type { ContractsReport } from './verify.js';

export function renderJson(report: ContractsReport): string {
  return `${JSON.stringify({
    spec_version: report.spec_version,
    consumers: report.consumers.map((c) => ({
      name: c.name,
      file: c.file,
      compatible: c.compatible,
      interactions: c.interactions.map((i) => ({
        description: i.description,
        operationId: i.operationId,
        compatible: i.compatible,
        problems: i.problems.map(({ location, message }) => ({ location, message })),
      })),
    })),
  })}\n`;
}

export function renderText(report: ContractsReport): string {
  const broken = report.consumers.filter((c) => !c.compatible);
  const lines = [
    `contracts verify: ${count(report.consumers.length, 'consumer')} against the spec ${report.spec_version}: ` +
      (report.consumers.length === 0 ? 'nothing to check' : broken.length === 0 ? 'all compatible' : `${broken.length} incompatible`),
  ];
  for (const consumer of report.consumers) {
    const bad = consumer.interactions.filter((i) => !i.compatible);
    lines.push(
      consumer.compatible
        ? `✓ ${consumer.name} (${consumer.file}): ${count(consumer.interactions.length, 'interaction')} compatible`
        : `✗ ${consumer.name} (${consumer.file}): ${bad.length} of ${count(consumer.interactions.length, 'interaction')} incompatible`,
    );
    for (const interaction of bad) {
      lines.push(`    "${interaction.description}"${interaction.operationId ? ` (${interaction.operationId})` : ''}`);
      for (const problem of interaction.problems) lines.push(`      ${problem.location}: ${problem.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Rows: consumers; columns: the spec's operations; a cell: ✓ every interaction there compatible, ✗ one is not, · none. */
export function renderMatrix(report: ContractsReport, operationIds: readonly string[]): string {
  const unrouted = report.consumers.some((c) => c.interactions.some((i) => i.operationId === null));
  const columns = [...operationIds, ...(unrouted ? ['(no operation)'] : [])];
  const nameWidth = Math.max(8, ...report.consumers.map((c) => c.name.length));
  const header = `${''.padEnd(nameWidth)}  ${columns.join('  ')}`;
  const rows = report.consumers.map((consumer) => {
    const cells = columns.map((column) => {
      const at = consumer.interactions.filter((i) => (i.operationId ?? '(no operation)') === column);
      const mark = at.length === 0 ? '·' : at.every((i) => i.compatible) ? '✓' : '✗';
      return mark.padEnd(column.length);
    });
    return `${consumer.name.padEnd(nameWidth)}  ${cells.join('  ')}`.trimEnd();
  });
  return [header, ...rows].join('\n');
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
