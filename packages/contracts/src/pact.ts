// Reading a consumer contract: a Pact file of specification v1 to v4 (HTTP interactions), as
// pact-js, pact-jvm, pact-go and pact-python write it, or one our mock recorded (Pact v4). Every
// version comes out the same: an interaction's request and expected response with their matching
// rules by part, so that the checker never asks which version it reads.
import { readFileSync } from 'node:fs';

/** One matcher of a rule, as Pact writes it: `{match: 'type', min: 1}`, `{match: 'regex', regex}`... */
export interface Matcher {
  match: string;
  [key: string]: unknown;
}

/** The matchers for one place (a body path, a header, a query parameter, the path), combined AND or OR. */
export interface Rule {
  /** For a body rule, its JSONPath as tokens: `$.results[*].status` -> ['results', '*', 'status']; [] for the others. */
  path: PathToken[];
  /** The JSONPath as written, to name the rule. */
  expression: string;
  matchers: Matcher[];
  combine: 'AND' | 'OR';
}

/** A property name, `*` (any property or item), or an array index. */
export type PathToken = string | number;

export interface Rules {
  body: Rule[];
  /** By header name as written. */
  header: Map<string, Rule>;
  /** By parameter name. */
  query: Map<string, Rule>;
  path?: Rule;
}

export interface PactRequest {
  method: string;
  path: string;
  query: Record<string, string[]>;
  /** By name as written; each value once per occurrence. */
  headers: Record<string, string[]>;
  /** Parsed JSON for a JSON body, the text otherwise; undefined when none is sent. */
  body: unknown;
  rules: Rules;
}

export interface PactResponse {
  status: number;
  headers: Record<string, string[]>;
  body: unknown;
  rules: Rules;
}

export interface Interaction {
  description: string;
  /** Set when the interaction cannot be checked at all (a message, not an HTTP exchange). */
  notHttp?: string;
  request: PactRequest;
  response: PactResponse;
}

export interface Contract {
  /** The consumer's name, as its pact says. */
  consumer: string;
  file: string;
  /** `2.0.0`, `3.0.0`, `4.0`... as the file says (v2 when it does not). */
  pactVersion: string;
  interactions: Interaction[];
}

/** A contract that cannot be read at all: an unreadable file, not a pact. `pnpm contracts` exits 2 on it. */
export class ContractInputError extends Error {}

type Raw = Record<string, unknown>;

export function readContract(file: string): Contract {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (error as Error).message;
    throw new ContractInputError(`cannot read the contract ${file}: ${reason}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ContractInputError(`${file} is not a Pact file: it is not JSON (${(error as Error).message})`);
  }
  return parseContract(raw, file);
}

export function parseContract(raw: unknown, file: string): Contract {
  const fail = (why: string): never => {
    throw new ContractInputError(`${file} is not a Pact file: ${why}`);
  };
  if (!isObject(raw)) return fail('it is not a JSON object');
  const consumer = isObject(raw.consumer) ? raw.consumer.name : undefined;
  if (typeof consumer !== 'string' || consumer.trim() === '') return fail('it has no consumer.name');
  if (!Array.isArray(raw.interactions)) return fail('it has no interactions list');
  const pactVersion = pactVersionOf(raw);
  const major = Number(pactVersion.split('.')[0]);
  if (!(major >= 1 && major <= 4)) return fail(`its pactSpecification version ${pactVersion} is not one of 1, 2, 3, 4`);
  const interactions = raw.interactions.map((interaction, i) => {
    const name = isObject(interaction) && typeof interaction.description === 'string' ? interaction.description : `interaction ${i + 1}`;
    try {
      return readInteraction(interaction, major);
    } catch (error) {
      return fail(`"${name}": ${(error as Error).message}`);
    }
  });
  return { consumer, file, pactVersion, interactions };
}

function pactVersionOf(raw: Raw): string {
  const metadata = isObject(raw.metadata) ? raw.metadata : {};
  const specification = metadata.pactSpecification ?? metadata['pact-specification'] ?? metadata.pactSpecificationVersion;
  const version = isObject(specification) ? specification.version : specification;
  return typeof version === 'string' && version !== '' ? version : '2.0.0';
}

function readInteraction(raw: unknown, major: number): Interaction {
  if (!isObject(raw)) throw new Error('it is not an object');
  if (typeof raw.description !== 'string') throw new Error('it has no description');
  const type = typeof raw.type === 'string' ? raw.type : 'Synchronous/HTTP';
  if (type !== 'Synchronous/HTTP') {
    const empty = { method: '', path: '', query: {}, headers: {}, body: undefined, rules: noRules() };
    return {
      description: raw.description,
      notHttp: type,
      request: empty,
      response: { status: 0, headers: {}, body: undefined, rules: noRules() },
    };
  }
  if (!isObject(raw.request)) throw new Error('it has no request');
  if (!isObject(raw.response)) throw new Error('it has no response');
  const request = raw.request;
  const response = raw.response;
  if (typeof request.method !== 'string' || request.method === '') throw new Error('its request has no method');
  if (typeof request.path !== 'string' || !request.path.startsWith('/')) throw new Error('its request path does not start with "/"');
  const status = response.status;
  if (!Number.isInteger(status) || (status as number) < 100 || (status as number) > 599)
    throw new Error(`its response status ${JSON.stringify(status)} is not an HTTP status`);
  const requestHeaders = headersOf(request.headers);
  const responseHeaders = headersOf(response.headers);
  return {
    description: raw.description,
    request: {
      method: request.method.toUpperCase(),
      path: request.path,
      query: queryOf(request.query),
      headers: requestHeaders,
      body: bodyOf(request.body, requestHeaders),
      rules: rulesOf(request.matchingRules, major),
    },
    response: {
      status: status as number,
      headers: responseHeaders,
      body: bodyOf(response.body, responseHeaders),
      rules: rulesOf(response.matchingRules, major),
    },
  };
}

function headersOf(raw: unknown): Record<string, string[]> {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) throw new Error('its headers are not an object');
  return Object.fromEntries(
    Object.entries(raw).map(([name, value]) => {
      // v2 and v3 write one string, comma-separated when repeated; v4 a list.
      const values = Array.isArray(value) ? value.map(String) : [String(value)];
      return [name, values];
    }),
  );
}

/** v2 writes the query as one string (`a=1&b=2`); v3 and v4 as a map of lists. */
function queryOf(raw: unknown): Record<string, string[]> {
  if (raw === undefined || raw === null || raw === '') return {};
  const query: Record<string, string[]> = {};
  if (typeof raw === 'string') {
    for (const [name, value] of new URLSearchParams(raw)) query[name] = [...(query[name] ?? []), value];
    return query;
  }
  if (!isObject(raw)) throw new Error('its query is neither a string nor an object');
  for (const [name, value] of Object.entries(raw)) query[name] = Array.isArray(value) ? value.map(String) : [String(value)];
  return query;
}

/** v4 wraps a body (`{content, contentType, encoded}`); earlier versions write it as it is. */
function bodyOf(raw: unknown, headers: Record<string, string[]>): unknown {
  if (!isObject(raw) || !('content' in raw) || !('contentType' in raw || 'encoded' in raw)) return raw;
  const contentType = String(raw.contentType ?? contentTypeOf(headers) ?? '');
  let content = raw.content;
  if (raw.encoded && typeof content === 'string') {
    const text = Buffer.from(content, raw.encoded === 'base64' || raw.encoded === true ? 'base64' : 'utf8').toString('utf8');
    content = text;
    if (/[/+]json\b/i.test(contentType)) {
      try {
        content = JSON.parse(text);
      } catch {
        // stays text: the checker names a JSON body that does not parse
      }
    }
  }
  return content;
}

export function contentTypeOf(headers: Record<string, string[]>): string | undefined {
  const name = Object.keys(headers).find((h) => h.toLowerCase() === 'content-type');
  return name === undefined ? undefined : headers[name]?.[0];
}

export const noRules = (): Rules => ({ body: [], header: new Map(), query: new Map() });

/**
 * v3 and v4: `{body: {"$.x": {matchers, combine}}, header: {Name: ...}, query: {name: ...}, path: {...}}`.
 * v2: one map of JSONPaths into the whole request or response: `$.body.x`, `$.headers.Name`, `$.query.name`, `$.path`.
 */
function rulesOf(raw: unknown, major: number): Rules {
  const rules = noRules();
  if (raw === undefined || raw === null) return rules;
  if (!isObject(raw)) throw new Error('its matchingRules are not an object');
  if (major <= 2) {
    for (const [expression, rule] of Object.entries(raw)) {
      const tokens = parseJsonPath(expression);
      const [part, ...rest] = tokens;
      const one = ruleOf(rule, expression, []);
      if (part === 'body') rules.body.push({ ...one, path: rest, expression: `$${formatTokens(rest)}` });
      else if (part === 'headers' || part === 'header') rules.header.set(String(rest[0]), one);
      else if (part === 'query') rules.query.set(String(rest[0]), one);
      else if (part === 'path') rules.path = one;
    }
    return rules;
  }
  for (const [part, entries] of Object.entries(raw)) {
    if (part === 'path') {
      rules.path = ruleOf(entries, '$.path', []);
      continue;
    }
    if (!isObject(entries)) continue;
    for (const [key, rule] of Object.entries(entries)) {
      if (part === 'body') rules.body.push(ruleOf(rule, key, parseJsonPath(key)));
      else if (part === 'header' || part === 'headers') rules.header.set(key.replace(/^\$\./, ''), ruleOf(rule, key, []));
      else if (part === 'query') rules.query.set(key.replace(/^\$\./, ''), ruleOf(rule, key, []));
    }
  }
  return rules;
}

/** A rule is `{matchers: [...], combine}` (v3, v4) or one matcher itself (v2). */
function ruleOf(raw: unknown, expression: string, path: PathToken[]): Rule {
  if (!isObject(raw)) throw new Error(`its matching rule ${expression} is not an object`);
  const list = Array.isArray(raw.matchers) ? raw.matchers : [raw];
  const matchers = list.map((m) => {
    if (!isObject(m)) throw new Error(`its matching rule ${expression} has a matcher that is not an object`);
    // v2 writes `{"match": "type"}` or only `{"regex": "..."}`, `{"min": 1}`.
    const match = typeof m.match === 'string' ? m.match : 'regex' in m ? 'regex' : 'type';
    return { ...m, match } as Matcher;
  });
  return { path, expression, matchers, combine: raw.combine === 'OR' ? 'OR' : 'AND' };
}

/** `$.results[*].status`, `$['a.b'][0]`, `$.*` as tokens; a bare `$` is []. */
export function parseJsonPath(expression: string): PathToken[] {
  const tokens: PathToken[] = [];
  const text = expression.trim();
  if (!text.startsWith('$')) return text.split('.').filter(Boolean);
  let i = 1;
  while (i < text.length) {
    if (text[i] === '.') {
      const match = /^\.([^.[\]]+)/.exec(text.slice(i));
      if (!match) throw new Error(`its matching rule path ${expression} cannot be read at "${text.slice(i)}"`);
      tokens.push(match[1]!);
      i += match[0].length;
    } else if (text[i] === '[') {
      const match = /^\[(?:(\d+)|\*|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]/.exec(text.slice(i));
      if (!match) throw new Error(`its matching rule path ${expression} cannot be read at "${text.slice(i)}"`);
      tokens.push(match[1] !== undefined ? Number(match[1]) : (match[2] ?? match[3] ?? '*'));
      i += match[0].length;
    } else {
      throw new Error(`its matching rule path ${expression} cannot be read at "${text.slice(i)}"`);
    }
  }
  return tokens;
}

function formatTokens(tokens: PathToken[]): string {
  return tokens.map((t) => (typeof t === 'number' ? `[${t}]` : t === '*' ? '[*]' : `.${t}`)).join('');
}

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
