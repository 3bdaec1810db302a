// What every answer must satisfy, whoever sent the request: the contract as @payouts/model's one
// checker reads it (a documented status, its headers and content type, a body valid for its
// schema, every violation named by field), and here also a status that is not a server error.
import type { Diagnostic, Operation, SpecModel } from '@payouts/model';
import { valueAt as valueAtPointer } from '@payouts/model';

export interface Answer {
  status: number;
  contentType: string;
  body: unknown;
}

export interface Conformance {
  /** Documented status key the answer matched ('200', '4XX'), if any. */
  statusKey?: string;
  /** What the answer breaks; empty when it conforms. */
  problems: Diagnostic[];
  /** The same, one line each for a report: the field, what is wrong, and what came. */
  lines: string[];
}

export function conformance(spec: SpecModel, op: Operation, answer: Answer): Conformance {
  const { statusKey, diagnostics } = spec.checkResponse(op, answer);
  const problems: Diagnostic[] = [...diagnostics];
  if (answer.status >= 500) {
    problems.unshift({
      operationId: op.operationId,
      side: 'response',
      location: 'status',
      field: '',
      pointer: '',
      message: `server error ${answer.status}`,
    });
  }
  return { statusKey, problems, lines: problems.map((problem) => lineOf(problem, answer.body)) };
}

/** `amount must be integer (got "120000")`: expected and got on one line. */
function lineOf(problem: Diagnostic, body: unknown): string {
  const subject = problem.field || (problem.location === 'body' ? 'body' : '');
  return `${subject ? `${subject} ` : ''}${problem.message}${problem.location === 'body' ? valueAt(body, problem.pointer) : ''}`;
}

/** ' (got "120000")' for a field that is present, so expected vs got is on one line. */
function valueAt(body: unknown, at: string): string {
  const node = at ? valueAtPointer(body, at) : undefined;
  if (node === undefined) return '';
  const shown = JSON.stringify(node);
  return ` (got ${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown})`;
}

/** A short "got" for a report line: '400 application/json' or '500 text/plain "oops"'. */
export function describeAnswer(answer: Answer): string {
  const type = answer.contentType || 'no content type';
  if (typeof answer.body === 'string' && answer.body) {
    const text = answer.body.length > 60 ? `${answer.body.slice(0, 57)}...` : answer.body;
    return `${answer.status} ${type} ${JSON.stringify(text)}`;
  }
  return `${answer.status} ${type}`;
}

/** The fields a list of problems is about, for a report line: 'amount, results[0].amount'. */
export function fieldsOf(problems: Diagnostic[]): string | undefined {
  const fields = [...new Set(problems.flatMap((p) => (p.field ? [p.field] : [])))];
  return fields.length ? fields.join(', ') : undefined;
}
