// The one contract checker: does a request or an answer keep the contract of its operation? Every
// package that judges traffic asks it (the sandbox of its requests and its own answers, pnpm verify
// of a provider's answers, the mock of its callers' requests), and every finding is one
// `Diagnostic`: the operation, the side, the part, the field by name, and what is wrong, worded
// once here. A renderer with its own wording (the sandbox's Django REST framework messages) reads
// the failed schema rule from `rule`.
import { type Ajv2020, createAjv, DOC_ID, type ErrorObject, type ValidateFunction } from './ajv.js';
import { type MediaType, mediaTypeOf, type Node, type Operation, type Parameter, type SpecModel } from './model.js';
import { escapeSegment, fieldName } from './pointer.js';
import { schemaKey, sharedOrCompiled } from './validator-cache.js';

export type Side = 'request' | 'response';
/** The part of a request or answer a diagnostic is about. */
export type DiagnosticLocation = 'path' | 'query' | 'header' | 'body' | 'status' | 'content-type';

export interface Diagnostic {
  operationId: string;
  /** `request`: the caller broke the contract; `response`: the one who answered did. */
  side: Side;
  location: DiagnosticLocation;
  /** The field as a person names it (`amount`, `results[0].status`, `Idempotency-Key`); '' for the part as a whole. */
  field: string;
  /** Where the field is in its part, as a JSON pointer ('' for the whole part; `/name` for a parameter). */
  pointer: string;
  message: string;
  /** The schema rule that failed, for a renderer that words it its own way. */
  rule?: { keyword: string; params: Record<string, unknown>; schema?: Node; value?: unknown };
}

export interface RequestParts {
  /** Path parameters by name, as text. */
  params: Record<string, unknown>;
  /** Query parameters by name, as text (or lists of text). */
  query: Record<string, unknown>;
  /** Headers by lower-case name. */
  headers: Record<string, string | string[] | undefined>;
  /** The body as parsed JSON; undefined when none was sent. */
  body: unknown;
}

/** A request's parts as the operation reads them: parameters coerced to their schemas' types, defaults filled, undocumented query parameters left out. */
export interface CheckedParts {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  /** Documented headers by the name the spec gives them. */
  headers: Record<string, unknown>;
  body: unknown;
}

export interface RequestCheck {
  diagnostics: Diagnostic[];
  request: CheckedParts;
}

export interface ResponseParts {
  status: number;
  /** The Content-Type header, parameters and all; '' when there is none. */
  contentType: string;
  /** The names of the headers sent, when the caller knows them: each documented one must be among them. */
  headers?: string[];
  /** Parsed JSON for a JSON answer (a string when it did not parse), the text otherwise; undefined when empty. */
  body: unknown;
}

export interface ResponseCheck {
  /** The documented status key the answer matched (`200`, `4XX`, `default`), if any. */
  statusKey?: string;
  diagnostics: Diagnostic[];
}

const DECIMAL = { integer: /^-?\d+$/, number: /^-?\d+(\.\d+)?$/ } as const;

interface CompiledRequest {
  path?: ValidateFunction;
  query?: ValidateFunction;
  header?: ValidateFunction;
  body?: ValidateFunction;
  queryNames: Set<string>;
  headerNames: string[];
  numeric: { name: string; in: Parameter['in']; type: keyof typeof DECIMAL }[];
}

/** Compiled once per operation and kept: a checker serves every request of a long-running server. */
export class ContractChecker {
  /**
   * Made on the first compile of each kind. Bodies are JSON: a string is never an integer there, so
   * nothing is coerced. Path, query and header values arrive as text: coerced to the schema's type,
   * defaults filled.
   */
  private readonly ajvs = new Map<'body' | 'params', Ajv2020>();
  private readonly document: Node;
  private readonly requests = new Map<string, CompiledRequest>();
  private readonly answers = new Map<string, ValidateFunction>();

  constructor(private readonly spec: SpecModel) {
    this.document = withDiscriminators(spec);
  }

  /**
   * The validator of `schema` (which refers into the document by `${DOC_ID}#/...`), compiled once
   * and shared with every checker of the process whose document says the same at `pointers` (see
   * validator-cache.ts): a sandbox or a mock started again (every test, a reload after a save)
   * compiles only what changed.
   */
  private compiled(kind: 'body' | 'params', schema: Node, pointers: string[]): ValidateFunction {
    const keys = pointers.map((pointer) => schemaKey(this.document, pointer));
    const key = keys.includes(undefined) ? undefined : JSON.stringify(['contract', kind, schema, keys]);
    return sharedOrCompiled(key, () => {
      const ajv = this.ajvFor(kind);
      return { validate: ajv.compile(schema), ajv };
    });
  }

  private ajvFor(kind: 'body' | 'params'): Ajv2020 {
    let ajv = this.ajvs.get(kind);
    if (!ajv) {
      ajv = createAjv({ verbose: true, discriminator: true, ...(kind === 'params' ? { coerceTypes: true, useDefaults: true } : {}) });
      ajv.addSchema(this.document, DOC_ID);
      this.ajvs.set(kind, ajv);
    }
    return ajv;
  }

  checkRequest(op: Operation, parts: RequestParts): RequestCheck {
    const compiled = this.compiledRequest(op);
    const diagnostics: Diagnostic[] = [];
    const found = (location: DiagnosticLocation) => (errors: ErrorObject[] | null | undefined) =>
      diagnostics.push(...diagnosticsOf(op, 'request', location, errors));
    const params = { ...parts.params };
    // A query parameter the operation does not document is left out, as Django ignores it.
    const query = Object.fromEntries(Object.entries(parts.query).filter(([name]) => compiled.queryNames.has(name)));
    const headers: Record<string, unknown> = {};
    for (const name of compiled.headerNames) {
      const value = parts.headers[name.toLowerCase()];
      if (value !== undefined) headers[name] = value;
    }
    for (const header of op.credentialHeaders) {
      const value = parts.headers[header.toLowerCase()];
      if (value === undefined || value === '') diagnostics.push(missingCredential(op, header));
    }
    // Ajv's coercion takes what Number() takes (0x10, 1e3, Infinity, " 7"): a number in a URL or a
    // header is decimal digits only.
    const notDecimals: Diagnostic[] = [];
    for (const { name, in: place, type } of compiled.numeric) {
      const raw = (place === 'path' ? params : place === 'query' ? query : headers)[name];
      if (typeof raw === 'string' && !DECIMAL[type].test(raw)) notDecimals.push(notDecimal(op, place as DiagnosticLocation, name, type));
    }
    diagnostics.push(...notDecimals);
    if (compiled.path && !compiled.path(params)) found('path')(compiled.path.errors);
    if (compiled.query && !compiled.query(query)) found('query')(compiled.query.errors);
    if (compiled.header && !compiled.header(headers)) found('header')(compiled.header.errors);
    if (compiled.body && !compiled.body(parts.body)) found('body')(compiled.body.errors);
    // A parameter named as not a decimal number is not named again by its schema's type.
    const named = new Set(notDecimals.map((d) => `${d.location} ${d.pointer}`));
    const kept = diagnostics.filter(
      (d) => notDecimals.includes(d) || d.rule?.keyword !== 'type' || !named.has(`${d.location} ${d.pointer}`),
    );
    return { diagnostics: kept, request: { params, query, headers, body: parts.body } };
  }

  checkResponse(op: Operation, answer: ResponseParts): ResponseCheck {
    const at = (location: DiagnosticLocation, field: string, message: string): Diagnostic => ({
      operationId: op.operationId,
      side: 'response',
      location,
      field,
      pointer: '',
      message,
    });
    const documented = this.spec.responseFor(op, answer.status);
    if (!documented) {
      const statuses = op.responses.map((r) => r.status).join(', ');
      return {
        diagnostics: [at('status', '', `status ${answer.status} is not documented for ${op.operationId} (documented: ${statuses})`)],
      };
    }
    const statusKey = documented.status;
    const diagnostics: Diagnostic[] = [];
    for (const header of documented.headers) {
      if (answer.headers && !answer.headers.includes(header)) diagnostics.push(at('header', header, 'is documented but missing'));
    }
    if (documented.content.length === 0) return { statusKey, diagnostics };
    const type = answer.contentType.split(';')[0]!.trim().toLowerCase();
    const media = mediaTypeOf(documented.content, type);
    if (!media) {
      const types = documented.content.map((m) => m.type).join(', ');
      diagnostics.push(
        at('content-type', '', `content type "${type || '(none)'}" is not documented for ${statusKey} (documented: ${types})`),
      );
      return { statusKey, diagnostics };
    }
    if (!media.schema) return { statusKey, diagnostics };
    if (/[/+]json$/.test(type) && typeof answer.body === 'string') {
      diagnostics.push(at('body', '', `is not valid JSON: ${JSON.stringify(answer.body.slice(0, 80))}`));
      return { statusKey, diagnostics };
    }
    const validate = this.answerValidator(media);
    if (!validate(answer.body)) diagnostics.push(...diagnosticsOf(op, 'response', 'body', validate.errors));
    return { statusKey, diagnostics };
  }

  private compiledRequest(op: Operation): CompiledRequest {
    let compiled = this.requests.get(op.operationId);
    if (compiled) return compiled;
    const part = (place: Parameter['in']) => {
      const list = op.parameters.filter((p) => p.in === place);
      if (list.length === 0) return undefined;
      const schema = {
        type: 'object',
        // The default beside the $ref: ajv fills a default only from the property's own schema.
        properties: Object.fromEntries(
          list.map((p) => [
            p.name,
            { $ref: `${DOC_ID}${p.schemaPointer}`, ...(p.schema.default === undefined ? {} : { default: p.schema.default }) },
          ]),
        ),
        required: list.filter((p) => p.required).map((p) => p.name),
      };
      return this.compiled(
        'params',
        schema,
        list.map((p) => p.schemaPointer),
      );
    };
    const body = jsonBodyOf(op);
    compiled = {
      path: part('path'),
      query: part('query'),
      header: part('header'),
      body: body ? this.compiled('body', { $ref: `${DOC_ID}${body.schemaPointer}` }, [body.schemaPointer]) : undefined,
      queryNames: new Set(op.parameters.filter((p) => p.in === 'query').map((p) => p.name)),
      headerNames: op.parameters.filter((p) => p.in === 'header').map((p) => p.name),
      numeric: op.parameters.flatMap((p) => {
        const type = numericType(p.schema);
        return type ? [{ name: p.name, in: p.in, type }] : [];
      }),
    };
    this.requests.set(op.operationId, compiled);
    return compiled;
  }

  private answerValidator(media: MediaType): ValidateFunction {
    let validate = this.answers.get(media.schemaPointer);
    if (!validate) {
      validate = this.compiled('body', { $ref: `${DOC_ID}${media.schemaPointer}` }, [media.schemaPointer]);
      this.answers.set(media.schemaPointer, validate);
    }
    return validate;
  }
}

/**
 * An answer's body as `checkResponse` reads it: parsed JSON for a JSON content type (the text
 * when it does not parse, which the check then names), the text otherwise, undefined when empty.
 */
export function answerBodyOf(contentType: string, text: string): unknown {
  if (text === '') return undefined;
  if (!/[/+]json\b/i.test(contentType)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The operation's JSON request body, when it takes one. */
export function jsonBodyOf(op: Operation): MediaType | undefined {
  return op.requestBody?.content.find((media) => media.type === 'application/json' && media.schema);
}

/** `integer` or `number` for a parameter whose schema is one (nullable or not). */
function numericType(schema: Node): keyof typeof DECIMAL | undefined {
  const types: unknown[] = [schema.type].flat();
  if (types.includes('integer')) return 'integer';
  if (types.includes('number')) return 'number';
  return undefined;
}

function missingCredential(op: Operation, header: string): Diagnostic {
  const what = header === 'Authorization' ? 'a bearer token' : header;
  return {
    operationId: op.operationId,
    side: 'request',
    location: 'header',
    field: header,
    pointer: `/${header}`,
    message: `${what} is required`,
  };
}

function notDecimal(op: Operation, location: DiagnosticLocation, name: string, type: 'integer' | 'number'): Diagnostic {
  return {
    operationId: op.operationId,
    side: 'request',
    location,
    field: name,
    pointer: `/${escapeSegment(name)}`,
    message: `must be ${type === 'integer' ? 'an integer' : 'a number'} in decimal digits`,
    rule: { keyword: 'type', params: { type } },
  };
}

/** The property an error is about when ajv reports it on the enclosing object. */
function subjectOf(error: ErrorObject): string | undefined {
  switch (error.keyword) {
    case 'required':
      return String(error.params.missingProperty);
    case 'additionalProperties':
      return String(error.params.additionalProperty);
    case 'discriminator':
      return error.params.tag === undefined ? undefined : String(error.params.tag);
    default:
      return undefined;
  }
}

/** ajv's errors as diagnostics, each naming its field; the noise of `oneOf` around a nullable value is folded into its branch's errors. */
function diagnosticsOf(op: Operation, side: Side, location: DiagnosticLocation, errors: ErrorObject[] | null | undefined): Diagnostic[] {
  const found: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf' || error.keyword === 'if') continue;
    const subject = subjectOf(error);
    const pointer = `${error.instancePath}${subject === undefined ? '' : `/${escapeSegment(subject)}`}`;
    const message = messageOf(error);
    const key = `${pointer} ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    found.push({
      operationId: op.operationId,
      side,
      location,
      field: fieldName(pointer),
      pointer,
      message,
      rule: { keyword: error.keyword, params: error.params, schema: error.parentSchema as Node | undefined, value: error.data },
    });
  }
  // A nullable value (`oneOf: [Thing, {type: null}]`) that is wrong fails both branches; "must be
  // null" beside the real branch's errors only adds noise.
  return found.filter((d) => !(d.message === 'must be null' && found.some((other) => other !== d && other.pointer.startsWith(d.pointer))));
}

function messageOf(error: ErrorObject): string {
  switch (error.keyword) {
    case 'required':
      return 'is required but missing';
    case 'additionalProperties':
      return 'is not in the schema (additionalProperties: false)';
    case 'type':
      return `must be ${[error.params.type].flat().join(' or ')}`;
    case 'enum':
      return `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return error.message ?? error.keyword;
  }
}

/** Where withDiscriminators notes a tag's values, for a message naming the choices. */
export const TAG_VALUES = 'x-payouts-tag-values';

/**
 * A copy of the document in which each `oneOf` whose branches are told apart by a required `const`
 * property (the callback's `status`) also says so with `discriminator`. The set of valid values is
 * the same; ajv then reports the errors of the branch a value chose (`utr` is required when
 * `status` is `processed`) instead of every branch's.
 */
function withDiscriminators(spec: SpecModel): Node {
  const copy = structuredClone(spec.document) as Node;
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    const schema = node as Node;
    if (Array.isArray(schema.oneOf) && !schema.discriminator) {
      const branches = schema.oneOf.map((branch: Node) => spec.resolve(branch));
      const tag = commonConstTag(branches);
      if (tag) {
        schema.discriminator = { propertyName: tag };
        schema[TAG_VALUES] = branches.map((b: Node) => String(b.properties[tag].const));
      }
    }
    Object.values(schema).forEach(visit);
  };
  visit(copy.components);
  visit(copy.paths);
  return copy;
}

function commonConstTag(branches: Node[]): string | undefined {
  const candidates = Object.keys(branches[0]?.properties ?? {});
  return candidates.find((name) =>
    branches.every((b) => b.type === 'object' && (b.required ?? []).includes(name) && b.properties?.[name]?.const !== undefined),
  );
}
