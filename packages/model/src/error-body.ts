// The spec's one error model as the API words it: a request's diagnostics as the 400 body
// `{"<field>": ["message"], "non_field_errors": [...]}`, with Django REST framework's messages
// where it has them (the backend is Django), so the sandbox and the mock answer alike.

import { TAG_VALUES } from './contract.js';
import type { Diagnostic, Json, Node } from './index.js';
import { parsePointer } from './pointer.js';

/** The spec's Error body for invalid fields: each field's messages, `non_field_errors` for the body as a whole. */
export type FieldErrors = Record<string, string[]>;

type Rule = NonNullable<Diagnostic['rule']>;

/** An empty error body, keyed by the caller's field names whatever they are (`constructor`, `__proto__`): no prototype. */
export function emptyFieldErrors(): FieldErrors {
  return Object.create(null);
}

/** The 400 body for these diagnostics. */
export function errorBodyOf(diagnostics: Diagnostic[]): FieldErrors {
  const body = emptyFieldErrors();
  renderErrors(body, diagnostics);
  return body;
}

/** Adds a message under a field, once. */
export function addFieldError(into: FieldErrors, key: string, message: string): void {
  const messages = Object.hasOwn(into, key) ? into[key]! : [];
  if (!messages.includes(message)) into[key] = [...messages, message];
}

/** `item 0, amount` for a position inside a field. */
export function describePosition(inner: string[]): string {
  return inner.map((segment) => (/^\d+$/.test(segment) ? `item ${segment}` : segment)).join(', ');
}

/**
 * Diagnostics into the 400 body: each under its top-level field (`non_field_errors` for the body as
 * a whole), a nested one with its position. A value of the wrong type gets that one message, not
 * also the enum or format it cannot meet.
 */
export function renderErrors(into: FieldErrors, diagnostics: Diagnostic[]): void {
  const mistyped = new Set(diagnostics.filter((d) => d.rule?.keyword === 'type').map((d) => `${d.location} ${d.pointer}`));
  for (const diagnostic of diagnostics) {
    const keyword = diagnostic.rule?.keyword;
    const aboutItself = keyword !== 'required' && keyword !== 'additionalProperties' && keyword !== 'discriminator';
    if (keyword !== 'type' && aboutItself && mistyped.has(`${diagnostic.location} ${diagnostic.pointer}`)) continue;
    const [field, ...inner] = parsePointer(diagnostic.pointer);
    const message = diagnostic.rule ? describe(diagnostic.rule, diagnostic.pointer, diagnostic.message) : `${diagnostic.message}.`;
    addFieldError(into, field ?? 'non_field_errors', inner.length > 0 ? `${describePosition(inner)}: ${message}` : message);
  }
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
  const schema: Node | undefined = rule.schema;
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
