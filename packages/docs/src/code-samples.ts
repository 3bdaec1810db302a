// Code samples (`x-codeSamples`, which Redoc shows beside each operation) generated from the
// spec's own examples: the path parameter, header and body examples become the curl line and the
// typed-client call, so a sample cannot drift from the contract it documents.

import { exampleOf, mediaTypeOf, type Operation, SpecModel } from '@payouts/model';

export interface CodeSample {
  lang: string;
  label: string;
  source: string;
}

type JsonObject = Record<string, unknown>;

/** The variable the samples read the bearer token from, in the shell and in Node alike. */
export const TOKEN_VARIABLE = 'CREGO_TOKEN';
/** The variable the callback samples read the provider's signing secret from. */
export const CALLBACK_SECRET_VARIABLE = 'PAYOUTS_CALLBACK_SECRET';
// Enough optional filters to show how query parameters are passed, few enough not to bury the call.
const OPTIONAL_QUERY_SHOWN = 2;
// Longer literals read better one entry per line.
const INLINE_MAX = 60;

class SampleError extends Error {}

/** One request as the samples (and the page's Try-it panel) write it. */
export interface Call {
  method: string;
  path: string;
  pathParams: [string, unknown][];
  queryParams: [string, unknown][];
  headerParams: [string, unknown][];
  /** A string is sent as it is (the exact bytes); anything else as indented JSON. */
  body?: { mediaType: string; value: unknown };
  responseMediaType?: string;
  /** How the caller proves who it is: a bearer token, the provider's body signature (in this header), or nothing. */
  credential: { kind: 'bearer' } | { kind: 'signature'; header: string } | undefined;
}

/** The call the spec's examples make: every required parameter, and a few optional query filters. */
export function exampleCall(operation: Operation): Call {
  const pathParams: [string, unknown][] = [];
  const queryParams: [string, unknown][] = [];
  const headerParams: [string, unknown][] = [];
  let optionalQueryShown = 0;
  for (const parameter of operation.parameters) {
    const example = parameter.example;
    const required = parameter.in === 'path' || parameter.required;
    if (example === undefined) {
      if (required) throw new SampleError(`${parameter.in} parameter "${parameter.name}" has no example`);
      continue;
    }
    if (parameter.in === 'path') pathParams.push([parameter.name, example]);
    else if (parameter.in === 'header') headerParams.push([parameter.name, example]);
    else if (parameter.in === 'query') {
      const showsSomething = parameter.schema.default !== example;
      if (required) queryParams.push([parameter.name, example]);
      else if (showsSomething && optionalQueryShown < OPTIONAL_QUERY_SHOWN) {
        queryParams.push([parameter.name, example]);
        optionalQueryShown += 1;
      }
    }
  }
  for (const name of operation.path.match(/\{[^}]+\}/g) ?? []) {
    if (!pathParams.some(([declared]) => `{${declared}}` === name)) throw new SampleError(`path parameter ${name} is not declared`);
  }

  let body: Call['body'];
  if (operation.requestBody) {
    const { content, required } = operation.requestBody;
    const media = mediaTypeOf(content, 'application/json') ?? content[0];
    const example = exampleOf(media);
    if (media && example !== undefined) body = { mediaType: media.type, value: example };
    else if (required) throw new SampleError('the request body has no example');
  }

  const success = operation.responses
    .filter((response) => /^2\d\d$/.test(response.status))
    .sort((a, b) => a.status.localeCompare(b.status))[0];
  return {
    method: operation.method,
    path: operation.path,
    pathParams,
    queryParams,
    headerParams,
    body,
    responseMediaType: success?.content[0]?.type,
    credential: credentialOf(operation),
  };
}

function credentialOf(operation: Operation): Call['credential'] {
  const [header] = operation.credentialHeaders;
  if (header === undefined) return undefined;
  return header === 'Authorization' ? { kind: 'bearer' } : { kind: 'signature', header };
}

export function isJson(mediaType: string): boolean {
  return /[/+]json\b/.test(mediaType);
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The path and query the call is sent to, parameters encoded. */
export function requestTarget(call: Call): string {
  let path = call.path;
  for (const [name, value] of call.pathParams) path = path.replace(`{${name}}`, encodeURIComponent(String(value)));
  const query = new URLSearchParams(call.queryParams.map(([name, value]) => [name, String(value)])).toString();
  return `${path}${query ? `?${query}` : ''}`;
}

/** The bytes of the call's body, as curl sends them. */
export function bodyText(call: Call): string | undefined {
  return call.body && (typeof call.body.value === 'string' ? call.body.value : JSON.stringify(call.body.value, null, 2));
}

/** The headers the call sends besides its credential: Accept for an answer that is not JSON, the header parameters, Content-Type. */
export function plainHeaders(call: Call): [string, string][] {
  const headers: [string, string][] = [];
  if (call.responseMediaType && !isJson(call.responseMediaType)) headers.push(['Accept', call.responseMediaType]);
  for (const [name, value] of call.headerParams) headers.push([name, String(value)]);
  if (call.body) headers.push(['Content-Type', call.body.mediaType]);
  return headers;
}

/**
 * The call as a curl command. The bearer token and the callback secret are read from
 * $CREGO_TOKEN and $PAYOUTS_CALLBACK_SECRET, so no secret is ever written into the command.
 */
export function curlCommand(baseUrl: string, call: Call): string {
  const lines = [`curl -X ${call.method} ${shellQuote(`${baseUrl}${requestTarget(call)}`)}`];
  const body = bodyText(call);
  // Double quotes so the shell expands the variables.
  if (call.credential?.kind === 'bearer') lines.push(`-H "Authorization: Bearer $${TOKEN_VARIABLE}"`);
  if (call.credential?.kind === 'signature') lines.push(`-H "${call.credential.header}: t=$T,v1=$SIGNATURE"`);
  for (const [name, value] of plainHeaders(call)) lines.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  if (call.credential?.kind === 'signature') {
    // The signature covers the exact bytes sent, so the body is one shell variable, signed and then sent.
    if (body !== undefined) lines.push(`--data-binary "$BODY"`);
    const signing = [
      `BODY=${shellQuote(body ?? '')}`,
      'T=$(date +%s)',
      `SIGNATURE=$(printf '%s' "$T.$BODY" | openssl dgst -sha256 -hmac "$${CALLBACK_SECRET_VARIABLE}" | sed 's/^.* //')`,
    ];
    return `${signing.join('\n')}\n${lines.join(' \\\n  ')}`;
  }
  if (body !== undefined) lines.push(`-d ${shellQuote(body)}`);
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
  const client = [
    'const client = createPayoutsClient({',
    `  baseUrl: ${tsString(baseUrl)},`,
    ...(call.credential?.kind === 'bearer' ? [`  token: process.env.${TOKEN_VARIABLE},`] : []),
    '});',
  ];
  if (call.credential?.kind === 'signature' && call.body) {
    // openapi-fetch sends JSON.stringify(body): the signature is made over that same text.
    const { body, ...rest } = init;
    const signed = `{\n${Object.entries(rest)
      .map(([key, value]) => `  ${tsKey(key)}: ${tsLiteral(value, '  ')},`)
      .join('\n')}\n  body,\n  headers: { ${tsString(call.credential.header)}: signCallback(JSON.stringify(body), secret) },\n}`;
    return [
      `import { signCallback } from '@payouts/callbacks';`,
      `import { createPayoutsClient } from '@payouts/client';`,
      '',
      ...client,
      `const secret = process.env.${CALLBACK_SECRET_VARIABLE} ?? '';`,
      '',
      `const body = ${tsLiteral(body)} as const;`,
      `const { data, error } = await client.${call.method}(${tsString(call.path)}, ${signed});`,
    ].join('\n');
  }
  const args = [tsString(call.path), ...(Object.keys(init).length ? [tsLiteral(init)] : [])];
  return [
    `import { createPayoutsClient } from '@payouts/client';`,
    '',
    ...client,
    '',
    `const { data, error } = await client.${call.method}(${args.join(', ')});`,
  ].join('\n');
}

/**
 * Operations a caller runs over a whole list, with the sample that does it with the client's
 * `each()`: page numbers would skip payouts as each call moves one out of the filter.
 */
interface OverAList {
  label: string;
  list: string;
  query: JsonObject;
  call: string;
}
const OVER_A_LIST: Record<string, OverAList[]> = {
  // A reversed payout's money is back with the lender: it is retried like a failed one.
  retryFailedPayout: (['failed', 'reversed'] as const).map((status) => ({
    label: `TypeScript: every ${status} payout`,
    list: 'listPayouts',
    query: { status },
    call: 'await client.retryFailedPayout(payout.id);',
  })),
};

function overAListSample(baseUrl: string, sample: OverAList): string {
  return [
    `import { createPayoutsClient } from '@payouts/client';`,
    '',
    'const client = createPayoutsClient({',
    `  baseUrl: ${tsString(baseUrl)},`,
    `  token: process.env.${TOKEN_VARIABLE},`,
    '});',
    '',
    '// Each one once, although every call moves a payout out of the filter (page numbers would skip some).',
    `for await (const payout of client.each(${tsString(sample.list)}, ${tsLiteral(sample.query)})) {`,
    `  ${sample.call}`,
    '}',
  ].join('\n');
}

/** The curl and TypeScript samples of one operation (and, for one run over a list, that loop). */
export function codeSamplesFor(model: SpecModel, operation: Operation): CodeSample[] {
  const servers = Array.isArray(model.document.servers) ? (model.document.servers as JsonObject[]) : [];
  const baseUrl = typeof servers[0]?.url === 'string' ? servers[0].url.replace(/\/+$/, '') : undefined;
  try {
    if (!baseUrl) throw new SampleError('the spec has no servers[0].url to put in the samples');
    const call = exampleCall(operation);
    const overAList = OVER_A_LIST[operation.operationId] ?? [];
    return [
      { lang: 'Shell', label: 'curl', source: curlCommand(baseUrl, call) },
      { lang: 'TypeScript', label: 'TypeScript', source: typeScriptSample(baseUrl, call) },
      ...overAList.map((sample) => ({ lang: 'TypeScript', label: sample.label, source: overAListSample(baseUrl, sample) })),
    ];
  } catch (error) {
    if (!(error instanceof SampleError)) throw error;
    throw new Error(`cannot write code samples for ${operation.operationId} (${operation.method} ${operation.path}): ${error.message}`);
  }
}

/** A copy of the bundled spec with `x-codeSamples` on every operation. */
export function withCodeSamples(document: JsonObject): JsonObject {
  const copy = structuredClone(document);
  const model = new SpecModel(copy);
  for (const operation of model.operations) model.at(operation.pointer)['x-codeSamples'] = codeSamplesFor(model, operation);
  return copy;
}
