import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';

const DOC_ID = 'https://payouts.test/openapi.json';

// The spec as the other packages read it, for the tests' expectations.
export const spec = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@payouts/spec/openapi.json'), 'utf8')) as OpenApi;

export interface OpenApi {
  paths: Record<string, Record<string, OperationObject>>;
  components: { examples: Record<string, { value: unknown }>; parameters: Record<string, ParameterObject> };
}
export interface OperationObject {
  operationId: string;
  parameters?: RefOr<ParameterObject>[];
  requestBody?: { content: Record<string, { examples?: Record<string, RefOr<{ value: unknown }>> }> };
  responses: Record<string, RefOr<ResponseObject>>;
}
export interface ParameterObject {
  name: string;
  in: string;
  example?: unknown;
}
export interface ResponseObject {
  content?: Record<string, { examples?: Record<string, RefOr<{ value: unknown }>>; example?: unknown }>;
}
type RefOr<T> = T | { $ref: string };

export function resolve<T>(value: RefOr<T>): T {
  if (typeof value !== 'object' || value === null || !('$ref' in value)) return value as T;
  return value.$ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key.replace(/~1/g, '/')], spec) as T;
}

export interface SpecOperation {
  method: string;
  path: string;
  operation: OperationObject;
}

export const operations: SpecOperation[] = Object.entries(spec.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => method !== 'parameters')
    .map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
);

export function operationById(operationId: string): SpecOperation {
  const found = operations.find(({ operation }) => operation.operationId === operationId);
  if (!found) throw new Error(`the spec has no operation ${operationId}`);
  return found;
}

/** A request the spec calls valid: its path parameters' and body's first examples. */
export function validRequest({ method, path }: SpecOperation): { method: string; path: string; body?: string } {
  const item = spec.paths[path]!;
  const operation = item[method.toLowerCase()]!;
  const parameters = [...((item.parameters as unknown as RefOr<ParameterObject>[]) ?? []), ...(operation.parameters ?? [])].map(resolve);
  const concretePath = path.replace(/\{([^}]+)\}/g, (_, name: string) => String(parameters.find((p) => p.in === 'path' && p.name === name)?.example));
  const bodyExamples = operation.requestBody?.content['application/json']?.examples;
  const body = bodyExamples ? JSON.stringify(resolve(Object.values(bodyExamples)[0]!).value) : undefined;
  return { method, path: concretePath, body };
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
// CommonJS: under NodeNext the plugin is the module's `default` property.
formats.default(ajv);
ajv.addSchema(spec as object, DOC_ID);

const pointer = (...keys: string[]) => keys.map((key) => key.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** ajv's errors for a body against the schema of one documented response, or [] if it validates. */
export function responseErrors(method: string, path: string, status: string, mediaType: string, body: unknown): string[] {
  const response = spec.paths[path]![method.toLowerCase()]!.responses[status]!;
  const base = '$ref' in response ? response.$ref : `#/${pointer('paths', path, method.toLowerCase(), 'responses', status)}`;
  const validate = ajv.compile({ $ref: `${DOC_ID}${base}/content/${pointer(mediaType)}/schema` });
  return validate(body) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}
