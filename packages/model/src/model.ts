// A bundled OpenAPI 3.1 document read once, the same way for every package: its operations with
// their parameters (path-level first, an operation-level one of the same name and place
// overriding it), request and response media types with their examples, where each node really
// lives (after any chain of `$ref`s), and validators compiled from it.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { type Ajv2020, createAjv, DOC_ID, type ValidateFunction } from './ajv.js';
import { ContractChecker, type RequestCheck, type RequestParts, type ResponseCheck, type ResponseParts } from './contract.js';
import { escapeSegment, formatPointer, valueAt } from './pointer.js';
import { schemaKey, sharedOrCompiled } from './validator-cache.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A node of the document (schema, parameter, response...): untyped JSON, read dynamically. */
// biome-ignore lint/suspicious/noExplicitAny: OpenAPI nodes are walked as loose JSON by design.
export type Node = { [key: string]: any };

export const HTTP_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface Example {
  /** The key in `examples`, or `example` for a single inline one. */
  name: string;
  value: Json;
  /** The example's one-line summary, when it has one. */
  summary?: string;
}

export interface MediaType {
  /** e.g. `application/json`. */
  type: string;
  schema: Node | undefined;
  /** Where the schema is, for `model.validator()`. */
  schemaPointer: string;
  /** Inline `example` first, then the named `examples` in their order, each resolved. */
  examples: Example[];
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  /** The schema, `$ref` resolved. */
  schema: Node;
  schemaPointer: string;
  /** Its `example`, else its first `examples` entry, else its schema's `example`. */
  example: Json | undefined;
}

export interface RequestBody {
  required: boolean;
  content: MediaType[];
}

export interface Response {
  /** As the spec writes it: `200`, `4XX`, `default`. */
  status: string;
  pointer: string;
  content: MediaType[];
  /** Documented header names, lower case. */
  headers: string[];
}

export interface Operation {
  operationId: string;
  /** Upper case, as on the wire. */
  method: HttpMethod;
  /** The path template, e.g. `/v1/lms/payouts/{id}/retry/`. */
  path: string;
  pointer: string;
  parameters: Parameter[];
  requestBody: RequestBody | undefined;
  responses: Response[];
  /** Whether any security requirement applies (the operation's own, else the document's). */
  secured: boolean;
  /** Names of the security schemes any of its requirements use. */
  securitySchemes: string[];
  /**
   * The request headers those schemes are carried in: `Authorization` for an `http` scheme, the
   * named header for an `apiKey` in a header.
   */
  credentialHeaders: string[];
}

const MAX_REF_HOPS = 32;

export class SpecModel {
  readonly operations: readonly Operation[];
  private readonly routes: { operation: Operation; pattern: RegExp }[];
  private validatorAjv: Ajv2020 | undefined;
  private readonly validators = new Map<string, ValidateFunction>();
  private checker: ContractChecker | undefined;

  constructor(readonly document: Node) {
    if (typeof document !== 'object' || document === null || typeof document.paths !== 'object') {
      throw new Error('not an OpenAPI document: it has no paths');
    }
    this.operations = readOperations(this);
    // A literal segment beats a template (`/payouts/export/` before `/payouts/{id}/`), as routers do.
    this.routes = this.operations
      .map((operation) => ({ operation, pattern: pathPattern(operation.path), templated: operation.path.split('{').length }))
      .sort((a, b) => a.templated - b.templated);
  }

  /** Whether a request keeps its operation's contract; its parameters as the operation reads them (see contract.ts). */
  checkRequest(operation: Operation, request: RequestParts): RequestCheck {
    this.checker ??= new ContractChecker(this);
    return this.checker.checkRequest(operation, request);
  }

  /** Whether an answer keeps its operation's contract: status, headers, content type, body (see contract.ts). */
  checkResponse(operation: Operation, response: ResponseParts): ResponseCheck {
    this.checker ??= new ContractChecker(this);
    return this.checker.checkResponse(operation, response);
  }

  /** Reads a bundled document, JSON or YAML. */
  static load(file: string): SpecModel {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message;
      throw new Error(`cannot read the spec ${file}: ${reason}`);
    }
    let document: unknown;
    try {
      document = file.endsWith('.json') ? JSON.parse(text) : parse(text, { maxAliasCount: -1 });
    } catch (error) {
      throw new Error(`cannot parse the spec ${file}: ${(error as Error).message}`);
    }
    try {
      return new SpecModel(document as Node);
    } catch (error) {
      throw new Error(`${file} is ${(error as Error).message}`);
    }
  }

  /** The operation with this operationId; throws naming the known ones. */
  operation(operationId: string): Operation {
    const found = this.operations.find((op) => op.operationId === operationId);
    if (!found)
      throw new Error(`no operation "${operationId}" in the spec; known: ${this.operations.map((op) => op.operationId).join(', ')}`);
    return found;
  }

  /** The operation a request goes to, or undefined when the spec has none for it. */
  route(method: string, pathname: string): Operation | undefined {
    const upper = method.toUpperCase();
    return this.routes.find(({ operation, pattern }) => operation.method === upper && pattern.test(pathname))?.operation;
  }

  /** The methods the spec has for a concrete path (empty when no operation has it). */
  methodsAt(pathname: string): HttpMethod[] {
    return this.routes.filter(({ pattern }) => pattern.test(pathname)).map(({ operation }) => operation.method);
  }

  /** The node a pointer names; throws when nothing is there. */
  at(pointer: string): Node {
    const found = valueAt(this.document, pointer);
    if (found === undefined) throw new Error(`${pointer} points nowhere in the spec`);
    return found as Node;
  }

  /** The node and the pointer where it really lives, after any chain of local `$ref`s. */
  locate(node: Node, pointer: string): { node: Node; pointer: string } {
    let current = node;
    let at = pointer;
    for (let hops = 0; typeof current?.$ref === 'string'; hops++) {
      if (hops > MAX_REF_HOPS) throw new Error(`$ref loop at ${at}`);
      at = current.$ref as string;
      if (!at.startsWith('#/')) throw new Error(`only local $refs are supported in a bundled spec, got ${at}`);
      current = this.at(at);
    }
    return { node: current, pointer: at };
  }

  /** Follows local `$ref`s (returns the node itself when it is none). */
  resolve<T = Node>(node: T | { $ref: string }): T {
    return this.locate(node as Node, '#').node as T;
  }

  /** The documented response for a status: exact, then its range (`4XX`), then `default`. */
  responseFor(operation: Operation, status: number): Response | undefined {
    const exact = String(status);
    for (const key of [exact, `${exact[0]}XX`, 'default']) {
      const found = operation.responses.find((response) => response.status === key);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * A validator (bodies as JSON: nothing coerced, all errors) of the schema at a pointer, compiled
   * once, and shared with other models of the process whose schema there is the same (see
   * validator-cache.ts). Validators with other options come from `createAjv()` and `DOC_ID`.
   */
  validator(schemaPointer: string): ValidateFunction {
    let validate = this.validators.get(schemaPointer);
    if (!validate) {
      validate = sharedOrCompiled(schemaKey(this.document, schemaPointer), () => {
        if (!this.validatorAjv) {
          this.validatorAjv = createAjv({ verbose: true });
          this.validatorAjv.addSchema(this.document, DOC_ID);
        }
        return { validate: this.validatorAjv.compile({ $ref: `${DOC_ID}${schemaPointer}` }), ajv: this.validatorAjv };
      });
      this.validators.set(schemaPointer, validate);
    }
    return validate;
  }
}

/** The first example of a media type, else its schema's `example`. */
export function exampleOf(media: MediaType | undefined): Json | undefined {
  return media?.examples[0]?.value ?? media?.schema?.example;
}

/** The media type of this type in a list, if documented. */
export function mediaTypeOf(content: readonly MediaType[], type: string): MediaType | undefined {
  return content.find((media) => media.type === type);
}

/** A path template as a pattern matching the concrete paths it stands for. */
export function pathPattern(template: string): RegExp {
  const source = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${source}$`);
}

function readOperations(model: SpecModel): Operation[] {
  const document = model.document;
  const operations: Operation[] = [];
  for (const [path, rawItem] of Object.entries<Node>(document.paths)) {
    const { node: item, pointer: itemPointer } = model.locate(rawItem, formatPointer(['paths', path]));
    for (const method of HTTP_METHODS) {
      const node = item[method.toLowerCase()] as Node | undefined;
      if (!node) continue;
      const pointer = formatPointer(['paths', path, method.toLowerCase()]);
      const security: Node[] = node.security ?? document.security ?? [];
      const securitySchemes = [...new Set(security.flatMap((requirement) => Object.keys(requirement)))];
      operations.push({
        operationId: typeof node.operationId === 'string' ? node.operationId : `${method} ${path}`,
        method,
        path,
        pointer,
        parameters: readParameters(model, item, itemPointer, node, pointer),
        requestBody: node.requestBody ? readRequestBody(model, node.requestBody, `${pointer}/requestBody`) : undefined,
        responses: Object.entries<Node>(node.responses ?? {}).map(([status, raw]) =>
          readResponse(model, status, raw, `${pointer}/responses/${escapeSegment(status)}`),
        ),
        secured: security.some((requirement) => Object.keys(requirement).length > 0),
        securitySchemes,
        credentialHeaders: [...new Set(securitySchemes.flatMap((name) => credentialHeader(document.components?.securitySchemes?.[name])))],
      });
    }
  }
  return operations;
}

function credentialHeader(scheme: Node | undefined): string[] {
  if (scheme?.type === 'http') return ['Authorization'];
  if (scheme?.type === 'apiKey' && scheme.in === 'header' && typeof scheme.name === 'string') return [scheme.name];
  return [];
}

function readParameters(model: SpecModel, item: Node, itemPointer: string, operation: Node, pointer: string): Parameter[] {
  const sources = [
    ...((item.parameters ?? []) as Node[]).map((raw, i) => model.locate(raw, `${itemPointer}/parameters/${i}`)),
    ...((operation.parameters ?? []) as Node[]).map((raw, i) => model.locate(raw, `${pointer}/parameters/${i}`)),
  ];
  const parameters: Parameter[] = [];
  for (const { node, pointer: at } of sources) {
    const schema = model.resolve<Node>(node.schema ?? {});
    const named = Object.values<Node>(node.examples ?? {})[0];
    const parameter: Parameter = {
      name: node.name,
      in: node.in,
      required: node.required === true,
      schema,
      schemaPointer: `${at}/schema`,
      example: node.example ?? (named ? model.resolve<Node>(named).value : undefined) ?? schema.example,
    };
    const overridden = parameters.findIndex((p) => p.name === parameter.name && p.in === parameter.in);
    if (overridden >= 0) parameters[overridden] = parameter;
    else parameters.push(parameter);
  }
  return parameters;
}

function readRequestBody(model: SpecModel, raw: Node, at: string): RequestBody {
  const { node, pointer } = model.locate(raw, at);
  return { required: node.required === true, content: readContent(model, node.content, pointer) };
}

function readResponse(model: SpecModel, status: string, raw: Node, at: string): Response {
  const { node, pointer } = model.locate(raw, at);
  return {
    status,
    pointer,
    content: readContent(model, node.content, pointer),
    headers: Object.keys(node.headers ?? {}).map((name) => name.toLowerCase()),
  };
}

function readContent(model: SpecModel, content: Node | undefined, pointer: string): MediaType[] {
  return Object.entries<Node>(content ?? {}).map(([type, media]) => {
    const examples: Example[] = [];
    if (media.example !== undefined) examples.push({ name: 'example', value: media.example });
    for (const [name, reference] of Object.entries<Node>(media.examples ?? {})) {
      const example = model.resolve<Node>(reference);
      examples.push({ name, value: example.value, ...(typeof example.summary === 'string' ? { summary: example.summary } : {}) });
    }
    const schemaPointer = `${pointer}/content/${escapeSegment(type)}/schema`;
    return { type, schema: media.schema ? model.resolve<Node>(media.schema) : undefined, schemaPointer, examples };
  });
}
