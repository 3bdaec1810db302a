import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The bundled spec of `@payouts/spec`, the document the mock serves unless told otherwise. */
export function bundledSpecPath(): string {
  try {
    return createRequire(import.meta.url).resolve('@payouts/spec/openapi.yaml');
  } catch {
    throw new Error('the bundled spec @payouts/spec/dist/openapi.yaml is missing: run `pnpm --filter @payouts/spec build`');
  }
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface Operation {
  /** Upper case, as on the wire. */
  method: string;
  /** The path template of the spec, e.g. `/v1/lms/payouts/{id}/retry/`. */
  path: string;
  operationId: string;
}

export interface OperationIndex {
  operations: Operation[];
  /** The operation a request is routed to, or undefined when the spec has none for it. */
  find(method: string, pathname: string): Operation | undefined;
  /** Whether some operation, of any method, has this path. */
  hasPath(pathname: string): boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface ServedSpec {
  index: OperationIndex;
  /** The document to hand to Prism: the spec itself, or a copy in a temporary folder. */
  path: string;
  /** Removes the copy, if one was made: Prism reads the document only while it starts. */
  dispose(): Promise<void>;
}

/**
 * Reads the spec and prepares the document Prism serves.
 *
 * Prism (through @stoplight/http-spec) answers a media type's schema-level `example` before the
 * media type's named `examples`: with this spec, List Payouts would answer the empty page of the
 * PayoutPage schema and Create Payout a processed payout. When that happens Prism gets a copy in
 * which each such media type's `example` is its first named example, so the default answer is the
 * realistic example written for that response; nothing else in the copy differs.
 */
export async function prepareSpec(specPath: string): Promise<ServedSpec> {
  let document: JsonObject;
  try {
    document = parse(await readFile(specPath, 'utf8')) as JsonObject;
  } catch (error) {
    throw new Error(`cannot read the spec ${specPath}: ${(error as Error).message}`);
  }
  const index = indexOperations(listOperations(document, specPath));
  if (!preferNamedExamples(document)) return { index, path: specPath, dispose: async () => undefined };
  const folder = await mkdtemp(join(tmpdir(), 'payouts-mock-'));
  const path = join(folder, 'openapi.json');
  await writeFile(path, JSON.stringify(document));
  return { index, path, dispose: () => rm(folder, { recursive: true, force: true }) };
}

/** Sets `example` to the first named example on each response media type that has named examples; true if any changed. */
function preferNamedExamples(document: JsonObject): boolean {
  let changed = false;
  for (const operation of Object.values(asObject(document.paths)).flatMap((item) => Object.values(asObject(item)))) {
    for (const response of Object.values(asObject(asObject(operation).responses))) {
      for (const media of Object.values(asObject(resolve(document, response).content))) {
        const mediaObject = asObject(media);
        const [first] = Object.values(asObject(mediaObject.examples));
        if (first === undefined || 'example' in mediaObject) continue;
        const value = resolve(document, first).value;
        if (value === undefined) continue;
        mediaObject.example = value;
        changed = true;
      }
    }
  }
  return changed;
}

function asObject(value: Json | undefined): JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

/** Follows a local `$ref` (`#/components/...`); the spec is bundled, so no other kind occurs. */
function resolve(document: JsonObject, value: Json): JsonObject {
  const ref = asObject(value).$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return asObject(value);
  const target = ref
    .slice(2)
    .split('/')
    .reduce<Json | undefined>((node, key) => asObject(node)[key.replace(/~1/g, '/').replace(/~0/g, '~')], document);
  return resolve(document, target ?? null);
}

function listOperations(document: JsonObject, specPath: string): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(asObject(document.paths))) {
    for (const method of HTTP_METHODS) {
      const operation = asObject(item)[method];
      if (operation === undefined) continue;
      const operationId = asObject(operation).operationId;
      operations.push({ method: method.toUpperCase(), path, operationId: typeof operationId === 'string' ? operationId : `${method} ${path}` });
    }
  }
  if (operations.length === 0) throw new Error(`the spec ${specPath} has no operations`);
  return operations;
}

function indexOperations(operations: Operation[]): OperationIndex {
  // A literal segment beats a template (`/payouts/export/` before `/payouts/{id}/`), as in Prism's router.
  const matchers = operations
    .map((operation) => ({ operation, pattern: templateToPattern(operation.path), templated: operation.path.split('{').length - 1 }))
    .sort((a, b) => a.templated - b.templated);
  return {
    operations,
    find(method, pathname) {
      const upper = method.toUpperCase();
      return matchers.find(({ operation, pattern }) => operation.method === upper && pattern.test(pathname))?.operation;
    },
    hasPath: (pathname) => matchers.some(({ pattern }) => pattern.test(pathname)),
  };
}

function templateToPattern(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}
