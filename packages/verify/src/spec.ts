// The contract as the checks see it: the bundled spec of @payouts/spec, its operations, and an
// ajv (JSON Schema 2020-12) validator for every documented response body.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Schema = { [key: string]: any };

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: Schema;
  example?: Json;
}

export interface Operation {
  operationId: string;
  method: string;
  path: string;
  parameters: Parameter[];
  /** JSON request body schema and its first example, when the operation takes one. */
  requestBody?: { schema: Schema; example: Json };
  /** Documented status codes, as the spec writes them ('200', '4XX', 'default'). */
  statuses: string[];
  secured: boolean;
  /** Where this operation sits in the bundle, for ajv references. */
  pointer: string;
}

export interface SchemaProblem {
  /** JSON pointer into the body, '' for the root. */
  at: string;
  message: string;
}

const DOC_ID = 'openapi.json';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

export const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

export function defaultSpecPath(): string {
  return createRequire(import.meta.url).resolve('@payouts/spec/openapi.json');
}

export class Spec {
  readonly operations: Operation[];
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly document: Schema) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema(document, DOC_ID);
    this.operations = listOperations(document, (ref) => this.resolve(ref));
  }

  static load(file = defaultSpecPath()): Spec {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`cannot read the spec at ${file}: ${(error as Error).message} (build it: pnpm --filter @payouts/spec build)`);
    }
    return new Spec(JSON.parse(text) as Schema);
  }

  operation(operationId: string): Operation {
    const found = this.operations.find((op) => op.operationId === operationId);
    if (!found) throw new Error(`no operation "${operationId}" in the spec; known: ${this.operations.map((op) => op.operationId).join(', ')}`);
    return found;
  }

  /** Follows a local `$ref` (or returns the node itself when it is none). */
  resolve<T = Schema>(node: T | { $ref: string }): T {
    let current: any = node;
    for (let hops = 0; current && typeof current === 'object' && typeof current.$ref === 'string'; hops++) {
      if (hops > 32) throw new Error(`$ref loop at ${current.$ref}`);
      current = current.$ref
        .replace(/^#\//, '')
        .split('/')
        .map((s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce((at: any, key: string) => at?.[key], this.document);
    }
    return current as T;
  }

  /** The documented response for a status, falling back to its range ('4XX') and 'default'. */
  documentedStatus(op: Operation, status: number): string | undefined {
    const exact = String(status);
    const range = `${exact[0]}XX`;
    return [exact, range, 'default'].find((key) => op.statuses.includes(key));
  }

  /** Content types documented for a response, e.g. ['application/json']. */
  contentTypes(op: Operation, statusKey: string): string[] {
    const response = this.resolve<Schema>(this.operationNode(op).responses[statusKey]);
    return Object.keys(response?.content ?? {});
  }

  /**
   * Validates a response body against the documented schema for (status, content type).
   * Returns undefined when the spec documents no schema there.
   */
  validateResponse(op: Operation, statusKey: string, contentType: string, body: unknown): SchemaProblem[] | undefined {
    const responsePointer = `${op.pointer}/responses/${escapePointer(statusKey)}`;
    const response = this.resolve<Schema>(this.operationNode(op).responses[statusKey]);
    if (!response?.content?.[contentType]?.schema) return undefined;
    // A response may be a $ref to components/responses: validate against where it really lives.
    const raw = this.operationNode(op).responses[statusKey];
    const base = `${DOC_ID}${raw?.$ref ?? responsePointer}`;
    const ref = `${base}/content/${escapePointer(contentType)}/schema`;
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, validate);
    }
    return validate(body) ? [] : explain(validate.errors ?? []);
  }

  private operationNode(op: Operation): Schema {
    return this.document.paths[op.path][op.method];
  }
}

function listOperations(document: Schema, resolve: <T>(node: T | { $ref: string }) => T): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<Schema>(document.paths ?? {})) {
    for (const method of METHODS) {
      const node = item[method];
      if (!node) continue;
      const parameters = [...(item.parameters ?? []), ...(node.parameters ?? [])].map((p) => resolve<Parameter>(p));
      const media = resolve<Schema>(node.requestBody ?? {})?.content?.['application/json'];
      operations.push({
        operationId: node.operationId ?? `${method} ${path}`,
        method,
        path,
        parameters,
        requestBody: media ? { schema: media.schema, example: firstExample(media, resolve) } : undefined,
        statuses: Object.keys(node.responses ?? {}),
        secured: (node.security ?? document.security ?? []).some((req: Schema) => Object.keys(req).length > 0),
        pointer: `#/paths/${escapePointer(path)}/${method}`,
      });
    }
  }
  return operations;
}

function firstExample(media: Schema, resolve: <T>(node: T | { $ref: string }) => T): Json {
  if (media.example !== undefined) return media.example;
  const first = Object.values<Schema>(media.examples ?? {})[0];
  if (first) return resolve<Schema>(first).value;
  return resolve<Schema>(media.schema)?.example ?? null;
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
      at = `${at}/${escapePointer(String(error.params.missingProperty))}`;
      message = 'is required but missing';
    } else if (error.keyword === 'additionalProperties') {
      at = `${at}/${escapePointer(String(error.params.additionalProperty))}`;
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
  return problems.filter(
    (p) => !(p.message === 'must be null' && problems.some((other) => other !== p && other.at.startsWith(p.at))),
  );
}

/** '/results/0/amount' -> 'results[0].amount', the way a person names a field. */
export function fieldName(at: string): string {
  if (!at) return '(body)';
  return at
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');
}

/** The value a JSON pointer ('/results/0/id') points at in a body, or undefined. */
export function valueAtPointer(body: unknown, pointer: string): unknown {
  let node: unknown = body;
  for (const part of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}
