// The sandbox's reading of the one contract checker (`SpecModel.checkRequest` in @payouts/model):
// a request's diagnostics worded the way the spec's 400 Error model documents them, with Django
// REST framework's messages where it has them: `{"<field>": ["message"], "non_field_errors": [...]}`.
// Text no store can keep as sent (NUL, a lone surrogate) is refused here too.
import {
  type CheckedParts,
  type Diagnostic,
  type Json,
  type Operation,
  parsePointer,
  type RequestParts,
  type SpecModel,
  TAG_VALUES,
} from '@payouts/model';

export type FieldErrors = Record<string, string[]>;

export type RequestCheck = { ok: true; request: CheckedParts } | { ok: false; errors: FieldErrors };

type Rule = NonNullable<Diagnostic['rule']>;
type Schema = NonNullable<Rule['schema']>;

/** Checks a request against its operation; the 400 body when it breaks the contract. */
export function checkRequest(spec: SpecModel, op: Operation, parts: RequestParts): RequestCheck {
  // Keyed by the caller's field names, whatever they are (`constructor`, `__proto__`): no prototype.
  const errors: FieldErrors = Object.create(null);
  const { diagnostics, request } = spec.checkRequest(op, parts);
  for (const [name, value] of [...Object.entries(request.params), ...Object.entries(request.query)]) unstorableText(errors, [name], value);
  unstorableText(errors, [], parts.body);
  render(errors, diagnostics);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, request };
}

/** What an answer of the sandbox's breaks of the spec, one line each (none when it keeps it). */
export function answerProblems(
  spec: SpecModel,
  op: Operation,
  status: number,
  contentType: string,
  body: unknown,
  headers: string[],
): string[] {
  return spec.checkResponse(op, { status, contentType, body, headers }).diagnostics.map((d) => `${d.field || d.location} ${d.message}`);
}

const NUL_MESSAGE = 'Null characters are not allowed.';
/** With the u flag a surrogate pair is one code point: only a lone half is a `Cs`. */
const LONE_SURROGATE = /\p{Cs}/u;
const SURROGATE_MESSAGE = 'Not valid Unicode: the text has a lone surrogate (half of a UTF-16 pair).';

/** Adds an error for each string (value or key) at or below `path` that holds NUL or a lone surrogate. */
function unstorableText(into: FieldErrors, path: string[], value: unknown): void {
  const check = (text: string, at: string[]) => {
    const message = text.includes('\u0000') ? NUL_MESSAGE : LONE_SURROGATE.test(text) ? SURROGATE_MESSAGE : undefined;
    if (message === undefined) return;
    const [field, ...inner] = at;
    addError(into, field ?? 'non_field_errors', inner.length > 0 ? `${describePosition(inner)}: ${message}` : message);
  };
  if (typeof value === 'string') check(value, path);
  else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) unstorableText(into, [...path, String(index)], item);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      check(key, [...path, key]);
      unstorableText(into, [...path, key], item);
    }
  }
}

function addError(into: FieldErrors, key: string, message: string): void {
  const messages = Object.hasOwn(into, key) ? into[key]! : [];
  if (!messages.includes(message)) into[key] = [...messages, message];
}

/**
 * Diagnostics into the 400 body: each under its top-level field (`non_field_errors` for the body as
 * a whole), a nested one with its position. A value of the wrong type gets that one message, not
 * also the enum or format it cannot meet.
 */
function render(into: FieldErrors, diagnostics: Diagnostic[]): void {
  const mistyped = new Set(diagnostics.filter((d) => d.rule?.keyword === 'type').map((d) => `${d.location} ${d.pointer}`));
  for (const diagnostic of diagnostics) {
    const keyword = diagnostic.rule?.keyword;
    const aboutItself = keyword !== 'required' && keyword !== 'additionalProperties' && keyword !== 'discriminator';
    if (keyword !== 'type' && aboutItself && mistyped.has(`${diagnostic.location} ${diagnostic.pointer}`)) continue;
    const [field, ...inner] = parsePointer(diagnostic.pointer);
    const message = diagnostic.rule ? describe(diagnostic.rule, diagnostic.pointer, diagnostic.message) : `${diagnostic.message}.`;
    addError(into, field ?? 'non_field_errors', inner.length > 0 ? `${describePosition(inner)}: ${message}` : message);
  }
}

function describePosition(inner: string[]): string {
  return inner.map((segment) => (/^\d+$/.test(segment) ? `item ${segment}` : segment)).join(', ');
}

const TYPE_MESSAGES: Record<string, string> = {
  integer: 'A valid integer is required.',
  number: 'A valid number is required.',
  string: 'Not a valid string.',
  boolean: 'Must be a valid boolean.',
  array: 'Expected a list of items.',
  object: 'Expected an object.',
};

function show(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value as Json);
}

/** Django REST framework's wording where it has one, so messages read like the real API's. */
function describe(rule: Rule, pointer: string, fallback: string): string {
  // biome-ignore lint/suspicious/noExplicitAny: each keyword has params of its own shape.
  const p = rule.params as Record<string, any>;
  const schema: Schema | undefined = rule.schema;
  const data = rule.value;
  switch (rule.keyword) {
    case 'required':
      return 'This field is required.';
    case 'additionalProperties': {
      const known = Object.keys(schema?.properties ?? {});
      return `Unknown field.${known.length ? ` Allowed fields: ${known.join(', ')}.` : ''}`;
    }
    case 'type': {
      if (data === null) return 'This field may not be null.';
      // One type is a string, several an array (`[string, null]` for a nullable field).
      const types = [p.type]
        .flat()
        .join(',')
        .split(',')
        .filter((t: string) => t !== 'null');
      if (pointer === '' && types.includes('object')) return `Invalid data. Expected a dictionary, but got ${jsonType(data)}.`;
      if (Array.isArray(data) && !types.includes('array')) return `Expected a single value, got ${data.length}.`;
      return TYPE_MESSAGES[types[0]!] ?? `Must be of type ${types.join(' or ')}.`;
    }
    case 'format':
      return p.format === 'uuid' ? 'Must be a valid UUID.' : `Must be a valid ${p.format}.`;
    case 'minimum':
      return `Ensure this value is greater than or equal to ${p.limit}.`;
    case 'maximum':
      return `Ensure this value is less than or equal to ${p.limit}.`;
    case 'minLength':
      return p.limit === 1 ? 'This field may not be blank.' : `Ensure this field has at least ${p.limit} characters.`;
    case 'maxLength':
      return `Ensure this field has no more than ${p.limit} characters.`;
    case 'minItems':
      return p.limit === 1 ? 'This list may not be empty.' : `Ensure this field has at least ${p.limit} elements.`;
    case 'maxItems':
      return `Ensure this field has no more than ${p.limit} elements.`;
    case 'uniqueItems':
      return `Items must be unique: items ${Math.min(p.i, p.j)} and ${Math.max(p.i, p.j)} are the same.`;
    case 'enum':
      return `${show(data)} is not a valid choice. Choices: ${(p.allowedValues as unknown[]).map(String).join(', ')}.`;
    case 'const':
      return `${show(data)} is not a valid choice. Expected ${show(p.allowedValue)}.`;
    case 'discriminator': {
      if (p.tagValue === undefined) return 'This field is required.';
      if (p.error !== 'mapping') return TYPE_MESSAGES.string!;
      return `${show(p.tagValue)} is not a valid choice. Choices: ${(schema?.[TAG_VALUES] ?? []).join(', ')}.`;
    }
    case 'pattern':
      return 'This value does not match the required pattern.';
    default:
      return fallback;
  }
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'null';
  return typeof value === 'string' ? 'str' : typeof value;
}
