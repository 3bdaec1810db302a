// Code samples (`x-codeSamples`, which Redoc shows beside each operation) generated from the
// spec's own examples: the path parameter, header and body examples become the curl line and the
// typed-client call, so a sample cannot drift from the contract it documents.

export interface CodeSample {
  lang: string;
  label: string;
  source: string;
}

type JsonObject = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  example?: unknown;
  examples?: Record<string, unknown>;
  schema?: JsonObject;
}

/** The variable the samples read the bearer token from, in the shell and in Node alike. */
export const TOKEN_VARIABLE = 'CREGO_TOKEN';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;
// Enough optional filters to show how query parameters are passed, few enough not to bury the call.
const OPTIONAL_QUERY_SHOWN = 2;
// Longer literals read better one entry per line.
const INLINE_MAX = 60;

class SampleError extends Error {}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows a local `$ref` (the bundled spec has only local ones) to the object it names. */
function resolve<T>(document: JsonObject, node: unknown): T {
  let current = node;
  const seen = new Set<string>();
  while (isObject(current) && typeof current.$ref === 'string') {
    const ref = current.$ref;
    if (!ref.startsWith('#/') || seen.has(ref)) throw new SampleError(`cannot resolve $ref ${ref}`);
    seen.add(ref);
    let target: unknown = document;
    for (const token of ref.slice(2).split('/')) {
      const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
      target = isObject(target) ? target[key] : undefined;
      if (target === undefined) throw new SampleError(`$ref ${ref} points at nothing`);
    }
    current = target;
  }
  return current as T;
}

/** The first example of an object that may carry `example`, `examples` (Example objects) or a schema example. */
function exampleOf(document: JsonObject, holder: JsonObject): { found: boolean; value?: unknown } {
  if ('example' in holder) return { found: true, value: holder.example };
  if (isObject(holder.examples)) {
    const first = Object.values(holder.examples)[0];
    if (first !== undefined) return { found: true, value: resolve<JsonObject>(document, first).value };
  }
  const schema = holder.schema === undefined ? undefined : resolve<JsonObject>(document, holder.schema);
  if (schema && 'example' in schema) return { found: true, value: schema.example };
  return { found: false };
}

interface Call {
  method: string;
  path: string;
  pathParams: [string, unknown][];
  queryParams: [string, unknown][];
  headerParams: [string, unknown][];
  body?: { mediaType: string; value: unknown };
  responseMediaType?: string;
  authenticated: boolean;
}

function parametersOf(document: JsonObject, pathItem: JsonObject, operation: JsonObject): Parameter[] {
  const byKey = new Map<string, Parameter>();
  for (const raw of [...((pathItem.parameters as unknown[]) ?? []), ...((operation.parameters as unknown[]) ?? [])]) {
    const parameter = resolve<Parameter>(document, raw);
    byKey.set(`${parameter.in}:${parameter.name}`, parameter); // operation-level wins, as OpenAPI says
  }
  return [...byKey.values()];
}

function describeCall(document: JsonObject, path: string, method: string, pathItem: JsonObject, operation: JsonObject): Call {
  const pathParams: [string, unknown][] = [];
  const queryParams: [string, unknown][] = [];
  const headerParams: [string, unknown][] = [];
  let optionalQueryShown = 0;
  for (const parameter of parametersOf(document, pathItem, operation)) {
    const example = exampleOf(document, parameter as unknown as JsonObject);
    const required = parameter.in === 'path' || parameter.required === true;
    if (!example.found) {
      if (required) throw new SampleError(`${parameter.in} parameter "${parameter.name}" has no example`);
      continue;
    }
    if (parameter.in === 'path') pathParams.push([parameter.name, example.value]);
    else if (parameter.in === 'header') headerParams.push([parameter.name, example.value]);
    else if (parameter.in === 'query') {
      const schema = parameter.schema ? resolve<JsonObject>(document, parameter.schema) : {};
      const showsSomething = schema.default !== example.value;
      if (required) queryParams.push([parameter.name, example.value]);
      else if (showsSomething && optionalQueryShown < OPTIONAL_QUERY_SHOWN) {
        queryParams.push([parameter.name, example.value]);
        optionalQueryShown += 1;
      }
    }
  }
  for (const name of path.match(/\{[^}]+\}/g) ?? []) {
    if (!pathParams.some(([declared]) => `{${declared}}` === name)) throw new SampleError(`path parameter ${name} is not declared`);
  }

  let body: Call['body'];
  if (operation.requestBody !== undefined) {
    const requestBody = resolve<JsonObject>(document, operation.requestBody);
    const content = isObject(requestBody.content) ? requestBody.content : {};
    const mediaType = 'application/json' in content ? 'application/json' : Object.keys(content)[0];
    const example = mediaType ? exampleOf(document, resolve<JsonObject>(document, content[mediaType])) : { found: false };
    if (mediaType && example.found) body = { mediaType, value: example.value };
    else if (requestBody.required === true) throw new SampleError('the request body has no example');
  }

  const responses = isObject(operation.responses) ? operation.responses : {};
  const success = Object.keys(responses).filter((code) => /^2\d\d$/.test(code)).sort()[0];
  const successContent = success ? resolve<JsonObject>(document, responses[success]).content : undefined;
  const responseMediaType = isObject(successContent) ? Object.keys(successContent)[0] : undefined;

  const security = (operation.security ?? document.security ?? []) as unknown[];
  return {
    method: method.toUpperCase(),
    path,
    pathParams,
    queryParams,
    headerParams,
    body,
    responseMediaType,
    authenticated: security.some((requirement) => isObject(requirement) && Object.keys(requirement).length > 0),
  };
}

function isJson(mediaType: string): boolean {
  return /[/+]json\b/.test(mediaType);
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function curlSample(baseUrl: string, call: Call): string {
  let path = call.path;
  for (const [name, value] of call.pathParams) path = path.replace(`{${name}}`, encodeURIComponent(String(value)));
  const query = new URLSearchParams(call.queryParams.map(([name, value]) => [name, String(value)])).toString();
  const lines = [`curl -X ${call.method} ${shellQuote(`${baseUrl}${path}${query ? `?${query}` : ''}`)}`];
  // Double quotes so the shell expands the token variable.
  if (call.authenticated) lines.push(`-H "Authorization: Bearer $${TOKEN_VARIABLE}"`);
  if (call.responseMediaType && !isJson(call.responseMediaType)) {
    lines.push(`-H ${shellQuote(`Accept: ${call.responseMediaType}`)}`);
  }
  for (const [name, value] of call.headerParams) lines.push(`-H ${shellQuote(`${name}: ${String(value)}`)}`);
  if (call.body) {
    lines.push(`-H ${shellQuote(`Content-Type: ${call.body.mediaType}`)}`);
    const text = typeof call.body.value === 'string' ? call.body.value : JSON.stringify(call.body.value, null, 2);
    lines.push(`-d ${shellQuote(text)}`);
  }
  return lines.join(' \\\n  ');
}

function tsString(text: string): string {
  return `'${JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

function tsKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : tsString(key);
}

/** A TypeScript literal: on one line when short and holding no nested object, else one entry per line. */
export function tsLiteral(value: unknown, indent = ''): string {
  if (typeof value === 'string') return tsString(value);
  if (value === null || typeof value !== 'object') return String(value);
  const inner = `${indent}  `;
  const isArray = Array.isArray(value);
  const entries = isArray
    ? value.map((item) => tsLiteral(item, inner))
    : Object.entries(value).map(([key, item]) => `${tsKey(key)}: ${tsLiteral(item, inner)}`);
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return `${open}${close}`;
  const flat = Object.values(value).every((item) => item === null || typeof item !== 'object');
  const oneLine = isArray ? `[${entries.join(', ')}]` : `{ ${entries.join(', ')} }`;
  if (flat && oneLine.length <= INLINE_MAX) return oneLine;
  return `${open}\n${entries.map((entry) => `${inner}${entry},`).join('\n')}\n${indent}${close}`;
}

function typeScriptSample(baseUrl: string, call: Call): string {
  const params: JsonObject = {};
  if (call.pathParams.length) params.path = Object.fromEntries(call.pathParams);
  if (call.queryParams.length) params.query = Object.fromEntries(call.queryParams);
  if (call.headerParams.length) params.header = Object.fromEntries(call.headerParams);
  const init: JsonObject = {};
  if (Object.keys(params).length) init.params = params;
  if (call.body) init.body = call.body.value;
  // openapi-fetch parses every answer as JSON unless told otherwise.
  if (call.responseMediaType && !isJson(call.responseMediaType)) init.parseAs = 'text';
  const args = [tsString(call.path), ...(Object.keys(init).length ? [tsLiteral(init)] : [])];
  return [
    `import { createPayoutsClient } from '@payouts/client';`,
    '',
    'const client = createPayoutsClient({',
    `  baseUrl: ${tsString(baseUrl)},`,
    `  token: process.env.${TOKEN_VARIABLE},`,
    '});',
    '',
    `const { data, error } = await client.${call.method}(${args.join(', ')});`,
  ].join('\n');
}

/** The curl and TypeScript samples of one operation. */
export function codeSamplesFor(document: JsonObject, path: string, method: string): CodeSample[] {
  const paths = isObject(document.paths) ? document.paths : {};
  const pathItem = resolve<JsonObject>(document, paths[path]);
  const operation = isObject(pathItem) ? pathItem[method] : undefined;
  if (!isObject(pathItem) || !isObject(operation)) throw new Error(`no operation ${method.toUpperCase()} ${path} in the spec`);
  const servers = Array.isArray(document.servers) ? (document.servers as JsonObject[]) : [];
  const baseUrl = typeof servers[0]?.url === 'string' ? servers[0].url.replace(/\/+$/, '') : undefined;
  try {
    if (!baseUrl) throw new SampleError('the spec has no servers[0].url to put in the samples');
    const call = describeCall(document, path, method, pathItem, operation);
    return [
      { lang: 'Shell', label: 'curl', source: curlSample(baseUrl, call) },
      { lang: 'TypeScript', label: 'TypeScript', source: typeScriptSample(baseUrl, call) },
    ];
  } catch (error) {
    if (!(error instanceof SampleError)) throw error;
    const name = typeof operation.operationId === 'string' ? `${operation.operationId} ` : '';
    throw new Error(`cannot write code samples for ${name}(${method.toUpperCase()} ${path}): ${error.message}`);
  }
}

/** A copy of the bundled spec with `x-codeSamples` on every operation. */
export function withCodeSamples(document: JsonObject): JsonObject {
  const copy = structuredClone(document);
  const paths = isObject(copy.paths) ? copy.paths : {};
  for (const [path, pathItem] of Object.entries(paths)) {
    if (!isObject(pathItem)) continue;
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (isObject(operation)) operation['x-codeSamples'] = codeSamplesFor(copy, path, method);
    }
  }
  return copy;
}
