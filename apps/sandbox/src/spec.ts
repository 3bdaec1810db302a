// The bundled spec as the sandbox serves it: its operations with their parameters, request body
// and documented responses, read at start-up so that routes and validation follow the spec.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Schema = { [key: string]: any };

/** The id under which the whole document is registered with ajv; refs point into it. */
export const DOC_ID = 'openapi.json';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  /** JSON pointer (with DOC_ID) of the parameter's schema, for ajv. */
  schemaRef: string;
  schema: Schema;
}

export interface DocumentedResponse {
  /** JSON pointer (with DOC_ID) of the schema of each content type. */
  content: Record<string, string>;
  /** Header names the spec documents for this response, lower case. */
  headers: string[];
}

export interface Operation {
  operationId: string;
  /** Upper case, as on the wire. */
  method: string;
  /** The spec's path template, e.g. `/v1/lms/payouts/{id}/retry/`. */
  path: string;
  parameters: Parameter[];
  /** JSON pointer (with DOC_ID) of the JSON request body schema, when the operation takes one. */
  requestBodyRef?: string;
  responses: Record<string, DocumentedResponse>;
  secured: boolean;
}

export interface Spec {
  document: Schema;
  operations: Operation[];
  /** Follows local `$ref`s (`#/components/...`) to the node they name. */
  resolve(node: Schema): Schema;
}

export function bundledSpecPath(): string {
  try {
    return createRequire(import.meta.url).resolve('@payouts/spec/openapi.json');
  } catch {
    throw new Error('the bundled spec @payouts/spec/dist/openapi.json is missing: run `pnpm --filter @payouts/spec build`');
  }
}

export function loadSpec(file = bundledSpecPath()): Spec {
  let document: Schema;
  try {
    document = JSON.parse(readFileSync(file, 'utf8')) as Schema;
  } catch (error) {
    throw new Error(`cannot read the spec ${file}: ${(error as Error).message}`);
  }
  return readSpec(document);
}

const unescape = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~');
const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

export function readSpec(document: Schema): Spec {
  const follow = (ref: string): Schema => {
    if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, got ${ref}`);
    const found = ref
      .slice(2)
      .split('/')
      .map(unescape)
      .reduce<any>((at, key) => at?.[key], document);
    if (found === undefined) throw new Error(`$ref ${ref} points nowhere in the spec`);
    return found as Schema;
  };
  /** The node and the pointer where it really lives, after any chain of $refs. */
  const locate = (node: Schema, pointer: string): { node: Schema; pointer: string } => {
    for (let hops = 0; typeof node?.$ref === 'string'; hops++) {
      if (hops > 32) throw new Error(`$ref loop at ${pointer}`);
      pointer = node.$ref as string;
      node = follow(pointer);
    }
    return { node, pointer };
  };
  const resolve = (node: Schema) => locate(node, '#').node;
  const globalSecurity: unknown[] = document.security ?? [];

  const operations: Operation[] = [];
  for (const [path, pathItem] of Object.entries<Schema>(document.paths ?? {})) {
    for (const method of METHODS) {
      const op = pathItem[method] as Schema | undefined;
      if (!op) continue;
      const opPointer = `#/paths/${escape(path)}/${method}`;
      const parameters: Parameter[] = [];
      const sources = [
        ...(pathItem.parameters ?? []).map((p: Schema, i: number) => ({ p, at: `#/paths/${escape(path)}/parameters/${i}` })),
        ...(op.parameters ?? []).map((p: Schema, i: number) => ({ p, at: `${opPointer}/parameters/${i}` })),
      ];
      for (const { p, at } of sources) {
        const { node, pointer } = locate(p, at);
        if (node.in === 'cookie') continue;
        // An operation-level parameter overrides a path-level one of the same name and place.
        const index = parameters.findIndex((q) => q.name === node.name && q.in === node.in);
        const parameter: Parameter = {
          name: node.name,
          in: node.in,
          required: node.required === true,
          schemaRef: `${DOC_ID}${pointer}/schema`,
          schema: resolve(node.schema ?? {}),
        };
        if (index >= 0) parameters[index] = parameter;
        else parameters.push(parameter);
      }
      let requestBodyRef: string | undefined;
      if (op.requestBody) {
        const { node, pointer } = locate(op.requestBody, `${opPointer}/requestBody`);
        if (node.content?.['application/json']?.schema) requestBodyRef = `${DOC_ID}${pointer}/content/application~1json/schema`;
      }
      const responses: Record<string, DocumentedResponse> = {};
      for (const [status, raw] of Object.entries<Schema>(op.responses ?? {})) {
        const { node, pointer } = locate(raw, `${opPointer}/responses/${escape(status)}`);
        const content: Record<string, string> = {};
        for (const [type, media] of Object.entries<Schema>(node.content ?? {})) {
          if (media.schema) content[type] = `${DOC_ID}${pointer}/content/${escape(type)}/schema`;
        }
        responses[status] = { content, headers: Object.keys(node.headers ?? {}).map((h) => h.toLowerCase()) };
      }
      operations.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        parameters,
        requestBodyRef,
        responses,
        secured: (op.security ?? globalSecurity).length > 0,
      });
    }
  }
  return { document, operations, resolve };
}
