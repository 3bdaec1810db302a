// What every answer must satisfy, whoever sent the request: a documented status that is not a
// server error, a documented content type, and a body that validates against its schema (every
// violation named by field, extra properties included where the schema closes the object).
import { fieldName, type Operation, type SpecModel, valueAt as valueAtPointer } from '@payouts/model';
import { contentTypesOf, statusesOf, validateResponse } from './spec.js';

export interface Answer {
  status: number;
  contentType: string;
  body: unknown;
}

export interface Problem {
  /** The body field it is about ('results[0].amount'), when it is about one. */
  field?: string;
  message: string;
}

export interface Conformance {
  /** Documented status key the answer matched ('200', '4XX'), if any. */
  statusKey?: string;
  /** Problems with the answer as the spec describes it; empty when it conforms. */
  problems: Problem[];
}

export function conformance(spec: SpecModel, op: Operation, answer: Answer): Conformance {
  const problems: Problem[] = [];
  if (answer.status >= 500) problems.push({ message: `server error ${answer.status}` });
  const statusKey = spec.responseFor(op, answer.status)?.status;
  if (!statusKey) {
    problems.push({ message: `status ${answer.status} is not documented (documented: ${statusesOf(op).join(', ')})` });
    return { problems };
  }
  const documentedTypes = contentTypesOf(op, statusKey);
  if (documentedTypes.length === 0) return { statusKey, problems };
  if (!documentedTypes.includes(answer.contentType)) {
    problems.push({
      message: `content type "${answer.contentType || '(none)'}" is not documented for ${statusKey} (documented: ${documentedTypes.join(', ')})`,
    });
    return { statusKey, problems };
  }
  if (answer.contentType.includes('json') && typeof answer.body === 'string') {
    problems.push({ message: `body is not valid JSON: ${JSON.stringify(answer.body.slice(0, 80))}` });
    return { statusKey, problems };
  }
  const schemaProblems = validateResponse(spec, op, statusKey, answer.contentType, answer.body) ?? [];
  for (const { at, message } of schemaProblems) {
    problems.push({ field: at ? fieldName(at) : undefined, message: `${fieldName(at)} ${message}${valueAt(answer.body, at)}` });
  }
  return { statusKey, problems };
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
export function fieldsOf(problems: Problem[]): string | undefined {
  const fields = [...new Set(problems.flatMap((p) => (p.field ? [p.field] : [])))];
  return fields.length ? fields.join(', ') : undefined;
}
