// The contract as the checks see it: the bundled spec read through @payouts/model, and its
// answers' validation worded as findings (one line per field, naming it).
import {
  type ErrorObject,
  escapeSegment,
  exampleOf,
  type Json,
  mediaTypeOf,
  type Node,
  type Operation,
  type SpecModel,
} from '@payouts/model';

export interface SchemaProblem {
  /** JSON pointer into the body, '' for the root. */
  at: string;
  message: string;
}

/** The documented status keys of an operation, as the spec writes them ('200', '4XX', 'default'). */
export const statusesOf = (op: Operation): string[] => op.responses.map((response) => response.status);

/** The JSON request body's schema and first example, when the operation takes one. */
export function jsonRequest(op: Operation): { schema: Node; example: Json | undefined } | undefined {
  const media = mediaTypeOf(op.requestBody?.content ?? [], 'application/json');
  return media?.schema ? { schema: media.schema, example: exampleOf(media) } : undefined;
}

/** Content types documented for a response status key, e.g. ['application/json']. */
export function contentTypesOf(op: Operation, statusKey: string): string[] {
  return (op.responses.find((response) => response.status === statusKey)?.content ?? []).map((media) => media.type);
}

/**
 * Validates a response body against the documented schema for (status key, content type).
 * Returns undefined when the spec documents no schema there.
 */
export function validateResponse(
  spec: SpecModel,
  op: Operation,
  statusKey: string,
  contentType: string,
  body: unknown,
): SchemaProblem[] | undefined {
  const media = mediaTypeOf(op.responses.find((response) => response.status === statusKey)?.content ?? [], contentType);
  if (!media?.schema) return undefined;
  const validate = spec.validator(media.schemaPointer);
  return validate(body) ? [] : explain(validate.errors ?? []);
}

/** ajv errors as one line each, naming the field; oneOf noise is folded into its branch errors. */
function explain(errors: ErrorObject[]): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf' || error.keyword === 'if') continue;
    let at = error.instancePath;
    let message = error.message ?? error.keyword;
    if (error.keyword === 'required') {
      at = `${at}/${escapeSegment(String(error.params.missingProperty))}`;
      message = 'is required but missing';
    } else if (error.keyword === 'additionalProperties') {
      at = `${at}/${escapeSegment(String(error.params.additionalProperty))}`;
      message = 'is not in the schema (additionalProperties: false)';
    } else if (error.keyword === 'type') {
      message = `must be ${[error.params.type].flat().join(' or ')}`;
    } else if (error.keyword === 'enum') {
      message = `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    }
    const key = `${at} ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ at, message });
  }
  return mergeNullableBranches(problems);
}

/**
 * A nullable object (`oneOf: [Thing, {type: null}]`) that holds a wrong value yields one error per
 * branch; "must be null" next to the real branch's errors only adds noise.
 */
function mergeNullableBranches(problems: SchemaProblem[]): SchemaProblem[] {
  return problems.filter((p) => !(p.message === 'must be null' && problems.some((other) => other !== p && other.at.startsWith(p.at))));
}
