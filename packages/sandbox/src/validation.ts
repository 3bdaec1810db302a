// Request and response validation compiled from the bundled spec (JSON Schema 2020-12, as
// OpenAPI 3.1 says), with failures worded the way the spec's 400 Error model documents them:
// `{"<field>": ["message"], "non_field_errors": [...]}`.
import {
  type Ajv2020,
  createAjv,
  DOC_ID,
  type ErrorObject,
  type Json,
  type Operation,
  parsePointer,
  type Node as Schema,
  type SpecModel,
  type ValidateFunction,
} from '@payouts/model';

export type FieldErrors = Record<string, string[]>;

export interface RequestParts {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** The request's parts after validation: query parameters coerced and their defaults filled. */
export interface ValidRequest {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
}

export type RequestCheck = { ok: true; request: ValidRequest } | { ok: false; errors: FieldErrors };

export interface ResponseProblem {
  at: string;
  message: string;
}

export class Validation {
  /** Bodies are JSON: a string is never an integer there, so nothing is coerced. */
  private readonly bodyAjv: Ajv2020;
  /** Path, query and header values arrive as text: coerced to the schema's type, defaults filled. */
  private readonly paramAjv: Ajv2020;

  constructor(private readonly spec: SpecModel) {
    const document = withDiscriminators(spec);
    // verbose gives each error its data and schema, which the messages quote.
    this.bodyAjv = createAjv({ verbose: true, discriminator: true });
    this.paramAjv = createAjv({ verbose: true, discriminator: true, coerceTypes: true, useDefaults: true });
    this.bodyAjv.addSchema(document, DOC_ID);
    this.paramAjv.addSchema(document, DOC_ID);
  }

  /** Compiles the checks of one operation's request; call once per route, at start-up. */
  request(op: Operation): (parts: RequestParts) => RequestCheck {
    const part = (place: Parameter['in']) => {
      const list = op.parameters.filter((p) => p.in === place);
      if (list.length === 0) return undefined;
      return this.paramAjv.compile({
        type: 'object',
        properties: Object.fromEntries(list.map((p) => [p.name, { $ref: `${DOC_ID}${p.schemaPointer}` }])),
        required: list.filter((p) => p.required).map((p) => p.name),
      });
    };
    const checkPath = part('path');
    const checkQuery = part('query');
    const checkHeaders = part('header');
    const headerNames = op.parameters.filter((p) => p.in === 'header').map((p) => p.name);
    const queryNames = new Set(op.parameters.filter((p) => p.in === 'query').map((p) => p.name));
    const body = jsonBodyOf(op);
    const checkBody = body ? this.bodyAjv.compile({ $ref: `${DOC_ID}${body.schemaPointer}` }) : undefined;
    const numeric = op.parameters.flatMap((p) => {
      const type = numericType(p.schema);
      return type ? [{ name: p.name, in: p.in, type }] : [];
    });

    return (parts) => {
      // Keyed by the caller's field names, whatever they are (`constructor`, `__proto__`): no prototype.
      const errors: FieldErrors = Object.create(null);
      const params = { ...parts.params };
      // A query parameter the operation does not document is ignored, as Django ignores it; it
      // must not reach a filter another operation documents (Unmatched's processed_at__lte).
      const query = Object.fromEntries(Object.entries(parts.query).filter(([name]) => queryNames.has(name)));
      const headers: Record<string, unknown> = {};
      for (const name of headerNames) {
        const value = parts.headers[name.toLowerCase()];
        if (value !== undefined) headers[name] = value;
      }
      // Ajv's coercion takes what JavaScript's Number() takes (0x10, 1e3, Infinity, " 7"): a
      // number in a URL or a header is decimal digits only.
      for (const { name, in: place, type } of numeric) {
        const raw = (place === 'path' ? params : place === 'query' ? query : headers)[name];
        if (typeof raw === 'string' && !DECIMAL[type].test(raw)) errors[name] = [TYPE_MESSAGES[type]!];
      }
      // Text no store can keep as it was sent: PostgreSQL refuses NUL, and a lone surrogate becomes U+FFFD.
      for (const [name, value] of [...Object.entries(params), ...Object.entries(query)]) unstorableText(errors, [name], value);
      unstorableText(errors, [], parts.body);
      if (checkPath && !checkPath(params)) collect(errors, checkPath.errors);
      if (checkQuery && !checkQuery(query)) collect(errors, checkQuery.errors);
      if (checkHeaders && !checkHeaders(headers)) collect(errors, checkHeaders.errors);
      if (checkBody && !checkBody(parts.body)) collect(errors, checkBody.errors);
      if (Object.keys(errors).length > 0) return { ok: false, errors };
      return { ok: true, request: { params, query, headers, body: parts.body } };
    };
  }

  /** Compiles a checker of this operation's answers: status documented, body valid for it. */
  response(op: Operation): (status: number, contentType: string, body: unknown, headers: string[]) => ResponseProblem[] {
    const validators = new Map<string, ValidateFunction>();
    for (const response of op.responses) {
      for (const media of response.content) {
        if (media.schema)
          validators.set(`${response.status} ${media.type}`, this.bodyAjv.compile({ $ref: `${DOC_ID}${media.schemaPointer}` }));
      }
    }
    return (status, contentType, body, headers) => {
      const documented = this.spec.responseFor(op, status);
      if (!documented) return [{ at: '', message: `${op.operationId} documents no ${status} answer` }];
      const type = contentType.split(';')[0]!.trim();
      const problems: ResponseProblem[] = [];
      for (const header of documented.headers) {
        if (!headers.includes(header)) problems.push({ at: `header ${header}`, message: 'documented header is missing' });
      }
      // An answer without a body (204) is right when the spec documents none.
      if (body === undefined && documented.content.length === 0) return problems;
      const validate = validators.get(`${documented.status} ${type}`);
      if (!validate) return [{ at: '', message: `${op.operationId} documents no ${type} body for ${documented.status}` }];
      if (!validate(body)) {
        for (const e of validate.errors ?? []) problems.push({ at: e.instancePath, message: e.message ?? e.keyword });
      }
      return problems;
    };
  }
}

type Parameter = Operation['parameters'][number];

const DECIMAL = { integer: /^-?\d+$/, number: /^-?\d+(\.\d+)?$/ } as const;

/** `integer` or `number` for a parameter whose schema is one (nullable or not). */
function numericType(schema: Schema): keyof typeof DECIMAL | undefined {
  const types: unknown[] = [schema.type].flat();
  if (types.includes('integer')) return 'integer';
  if (types.includes('number')) return 'number';
  return undefined;
}

/** The operation's JSON request body, when it takes one. */
export function jsonBodyOf(op: Operation) {
  return op.requestBody?.content.find((media) => media.type === 'application/json' && media.schema);
}

/**
 * A copy of the document in which each `oneOf` whose branches are told apart by a required `const`
 * property (the callback's `status`) also says so with `discriminator`. The set of valid bodies is
 * the same; ajv then reports the errors of the branch the body chose (`utr` is required when
 * `status` is `processed`) instead of every branch's.
 */
function withDiscriminators(spec: SpecModel): Schema {
  const copy = structuredClone(spec.document) as Schema;
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    const schema = node as Schema;
    if (Array.isArray(schema.oneOf) && !schema.discriminator) {
      const branches = schema.oneOf.map((branch: Schema) => spec.resolve(branch));
      const tag = commonConstTag(branches);
      if (tag) {
        schema.discriminator = { propertyName: tag };
        schema[TAG_VALUES] = branches.map((b: Schema) => String(b.properties[tag].const));
      }
    }
    Object.values(schema).forEach(visit);
  };
  visit(copy.components);
  visit(copy.paths);
  return copy;
}

/** Where withDiscriminators notes the tag's values, for the message naming the choices. */
const TAG_VALUES = 'x-sandbox-tag-values';

function commonConstTag(branches: Schema[]): string | undefined {
  const candidates = Object.keys(branches[0]?.properties ?? {});
  return candidates.find((name) =>
    branches.every((b) => b.type === 'object' && (b.required ?? []).includes(name) && b.properties?.[name]?.const !== undefined),
  );
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

function collect(into: FieldErrors, errors: ErrorObject[] | null | undefined): void {
  // A value of the wrong type gets that one message, not also the enum or format it cannot meet.
  const mistyped = new Set((errors ?? []).filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  for (const error of errors ?? []) {
    if (error.keyword !== 'type' && errorSubject(error) === undefined && mistyped.has(error.instancePath)) continue;
    const path = parsePointer(error.instancePath);
    const about = errorSubject(error);
    if (about !== undefined) path.push(about);
    const [field, ...inner] = path;
    const key = field ?? 'non_field_errors';
    addError(into, key, inner.length > 0 ? `${describePosition(inner)}: ${describe(error)}` : describe(error));
  }
}

/** The property an error is about when ajv reports it on the enclosing object. */
function errorSubject(error: ErrorObject): string | undefined {
  switch (error.keyword) {
    case 'required':
      return error.params.missingProperty as string;
    case 'additionalProperties':
      return error.params.additionalProperty as string;
    case 'discriminator':
      return error.params.tag as string;
    default:
      return undefined;
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
function describe(error: ErrorObject): string {
  // biome-ignore lint/suspicious/noExplicitAny: each keyword has params of its own shape.
  const p = error.params as Record<string, any>;
  const schema = error.parentSchema as Schema | undefined;
  switch (error.keyword) {
    case 'required':
      return 'This field is required.';
    case 'additionalProperties': {
      const known = Object.keys(schema?.properties ?? {});
      return `Unknown field.${known.length ? ` Allowed fields: ${known.join(', ')}.` : ''}`;
    }
    case 'type': {
      if (error.data === null) return 'This field may not be null.';
      // One type is a string, several an array (`[string, null]` for a nullable field).
      const types = [p.type]
        .flat()
        .join(',')
        .split(',')
        .filter((t: string) => t !== 'null');
      if (error.instancePath === '' && types.includes('object'))
        return `Invalid data. Expected a dictionary, but got ${jsonType(error.data)}.`;
      if (Array.isArray(error.data) && !types.includes('array')) return `Expected a single value, got ${error.data.length}.`;
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
      return `${show(error.data)} is not a valid choice. Choices: ${(p.allowedValues as unknown[]).map(String).join(', ')}.`;
    case 'const':
      return `${show(error.data)} is not a valid choice. Expected ${show(p.allowedValue)}.`;
    case 'discriminator': {
      if (p.tagValue === undefined) return 'This field is required.';
      if (p.error !== 'mapping') return TYPE_MESSAGES.string!;
      return `${show(p.tagValue)} is not a valid choice. Choices: ${(schema?.[TAG_VALUES] ?? []).join(', ')}.`;
    }
    case 'pattern':
      return 'This value does not match the required pattern.';
    default:
      return error.message ?? `Invalid (${error.keyword}).`;
  }
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'null';
  return typeof value === 'string' ? 'str' : typeof value;
}
