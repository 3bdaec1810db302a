// Whether the answer a consumer expects is one the spec allows, field by field: every field it
// expects is declared by the schema (what `additionalProperties` lets through is promised to no
// one), can have the JSON type the consumer's matching rule asks for, and its example is a value
// the schema allows (enum, const, format, pattern, bounds, nullable, the branches of a oneOf).
// The fields the consumer does not mention are none of its business: it relies on a subset.
import { declaredChildren, type JsonType, jsonTypeOf, type SpecModel, typesAllowed } from '@payouts/model';
import type { Matcher, PathToken, Rule } from './pact.js';
import type { Problem } from './verdict.js';

/** The matchers this checker honours; any other is reported as not checked. */
export const SUPPORTED_MATCHERS = [
  'type',
  'integer',
  'decimal',
  'number',
  'regex',
  'include',
  'equality',
  'null',
  'boolean',
  'date',
  'time',
  'timestamp',
  'datetime',
] as const;
const SUPPORTED = new Set<string>(SUPPORTED_MATCHERS);

const TYPE_WORDS: Record<JsonType, string> = {
  null: 'null',
  boolean: 'a boolean',
  integer: 'an integer',
  number: 'a decimal number',
  string: 'a string',
  array: 'a list',
  object: 'an object',
};

/** What a matcher asks a value's JSON type to be; undefined: the example's own type. */
function typesAsked(matcher: Matcher): JsonType[] | undefined {
  switch (matcher.match) {
    case 'integer':
      return ['integer'];
    case 'decimal':
      return ['number'];
    case 'number':
      return ['integer', 'number'];
    case 'boolean':
      return ['boolean'];
    case 'null':
      return ['null'];
    case 'date':
    case 'time':
    case 'timestamp':
    case 'datetime':
      return ['string'];
    default:
      return undefined;
  }
}

/**
 * `answer`: what the consumer expects to receive, judged whole. `request`: what it will send, where
 * the model's checker already judged the example's values and fields; only the rules' types are
 * left to judge (a `decimal` rule on an integer field says the consumer may send 10.5).
 */
export type ExpectationSide = 'answer' | 'request';

export class BodyExpectation {
  readonly problems: Problem[] = [];
  private readonly seen = new Set<string>();

  constructor(
    private readonly model: SpecModel,
    private readonly rules: Rule[],
    /** `response.body`, `request.body` */
    private readonly place: string,
    private readonly side: ExpectationSide = 'answer',
  ) {}

  /** Walks the expected value against the schemas at these pointers (the media type's schema at the root). */
  check(value: unknown, path: PathToken[], pointers: string[], inherited: Matcher[] = []): void {
    const rule = this.ruleAt(path);
    const matchers = rule ? rule.matchers : inherited;
    const location = locationOf(this.place, path);
    for (const problem of unsupported(matchers)) this.add(location, problem);
    if (!this.typeFits(value, matchers, rule?.combine ?? 'AND', pointers, location)) return;
    // Type matching cascades to what the value holds; `min`/`max` are about this list only.
    const passed = matchers.filter((m) => m.match === 'type' || m.match === 'equality').map(({ min, max, ...rest }) => rest as Matcher);
    if (Array.isArray(value)) {
      this.checkBounds(matchers, pointers, location);
      value.forEach((item, i) => {
        this.check(
          item,
          [...path, i],
          pointers.flatMap((p) => declaredChildren(this.model, p, i)),
          passed,
        );
      });
      return;
    }
    if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const declared = pointers.flatMap((p) => declaredChildren(this.model, p, key));
        if (declared.length === 0) {
          if (this.side === 'request') continue;
          this.add(
            locationOf(this.place, [...path, key]),
            `is not declared by the spec's schema here, so the provider does not promise it`,
          );
          continue;
        }
        this.check(child, [...path, key], declared, passed);
      }
      return;
    }
    this.checkScalar(value, matchers, location);
    if (this.side === 'answer') this.checkValue(value, pointers, location);
  }

  private typeFits(value: unknown, matchers: Matcher[], combine: 'AND' | 'OR', pointers: string[], location: string): boolean {
    const allowed = this.allowedTypes(pointers);
    if (!allowed) return true;
    const asks = matchers.map((m) => typesAsked(m) ?? [jsonTypeOf(value)]);
    if (asks.length === 0) asks.push([jsonTypeOf(value)]);
    const fits = (types: JsonType[]) => types.some((t) => allowed.has(t));
    const ok = combine === 'OR' ? asks.some(fits) : asks.every(fits);
    if (ok) return true;
    const expected = [...new Set(asks.flat())].map((t) => TYPE_WORDS[t]).join(' or ');
    const given = describeTypes(allowed);
    this.add(
      location,
      this.side === 'answer'
        ? `is expected to be ${expected}, but the spec says it is ${given}`
        : `may be sent as ${expected}, but the spec takes ${given}`,
    );
    return false;
  }

  private checkBounds(matchers: Matcher[], pointers: string[], location: string): void {
    const min = Math.max(0, ...matchers.map((m) => (typeof m.min === 'number' ? m.min : 0)));
    const maxes = matchers.flatMap((m) => (typeof m.max === 'number' ? [m.max] : []));
    const bound = (keyword: 'minItems' | 'maxItems') =>
      pointers.map((p) => {
        const schema = this.model.locate(this.model.at(p), p).node;
        return typeof schema[keyword] === 'number' ? (schema[keyword] as number) : undefined;
      });
    const maxItems = bound('maxItems');
    if (min > 0 && maxItems.every((m) => m !== undefined && m < min))
      this.add(location, `is expected to hold at least ${min} items, but the spec allows at most ${Math.max(...(maxItems as number[]))}`);
    const minItems = bound('minItems');
    const max = maxes.length ? Math.min(...maxes) : undefined;
    if (max !== undefined && minItems.every((m) => m !== undefined && m > max))
      this.add(location, `is expected to hold at most ${max} items, but the spec requires at least ${Math.min(...(minItems as number[]))}`);
  }

  /** A rule whose own example breaks it is a contract that contradicts itself. */
  private checkScalar(value: unknown, matchers: Matcher[], location: string): void {
    for (const problem of selfContradictions(value, matchers)) this.add(location, problem);
  }

  private checkValue(value: unknown, pointers: string[], location: string): void {
    const failures = pointers.map((p) => {
      const validate = this.model.validator(p);
      return validate(value) ? undefined : (validate.errors ?? []);
    });
    if (pointers.length === 0 || failures.some((f) => f === undefined)) return;
    const error = failures[0]![0];
    const why =
      error?.keyword === 'enum'
        ? `is not a value the spec allows here (allowed: ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')})`
        : error?.keyword === 'const'
          ? `is not the value the spec allows here (${JSON.stringify(error.params.allowedValue)})`
          : `is not a value the spec allows here: it ${error?.message ?? 'breaks the schema'}`;
    this.add(location, `${JSON.stringify(value)} ${why}`);
  }

  private allowedTypes(pointers: string[]): Set<JsonType> | undefined {
    const union = new Set<JsonType>();
    for (const p of pointers) {
      const types = typesAllowed(this.model, p);
      if (!types) return undefined;
      for (const t of types) union.add(t);
    }
    return union;
  }

  /** The most specific rule written for this very path (`$.results[0].status` before `$.results[*].status`). */
  private ruleAt(path: PathToken[]): Rule | undefined {
    let best: { rule: Rule; weight: number } | undefined;
    for (const rule of this.rules) {
      if (rule.path.length !== path.length) continue;
      let weight = 0;
      const matches = rule.path.every((token, i) => {
        weight += token === path[i] ? 2 : 1;
        return token === path[i] || token === '*';
      });
      if (matches && (!best || weight > best.weight)) best = { rule, weight };
    }
    return best?.rule;
  }

  private add(location: string, message: string): void {
    const key = `${location} ${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.problems.push({ location, message });
  }
}

/** What a value's own matchers say about it that it does not keep (a regex its example does not match). */
export function selfContradictions(value: unknown, matchers: Matcher[]): string[] {
  const problems: string[] = [];
  for (const matcher of matchers) {
    if (matcher.match === 'regex' && typeof matcher.regex === 'string' && !safeRegex(matcher.regex)?.test(String(value)))
      problems.push(`its example ${JSON.stringify(value)} does not match its own rule's regex /${matcher.regex}/`);
    if (matcher.match === 'include' && !String(value).includes(String(matcher.value)))
      problems.push(`its example ${JSON.stringify(value)} does not include ${JSON.stringify(matcher.value)}, as its own rule says`);
  }
  return problems;
}

/** `a decimal number or null`: types as a caller reads them. */
export function describeTypes(types: Iterable<JsonType>): string {
  const list = [...types];
  return list
    .filter((t) => !(t === 'integer' && list.includes('number')))
    .map((t) => TYPE_WORDS[t])
    .join(' or ');
}

/** The matchers of a list this checker does not support, worded as not checked. */
export function unsupported(matchers: Matcher[]): string[] {
  return matchers
    .filter((m) => !SUPPORTED.has(m.match))
    .map((m) => `not checked: the "${m.match}" matching rule is not one this checker supports (${SUPPORTED_MATCHERS.join(', ')})`);
}

/** The JSON types a parameter's matchers say the consumer may send (text rules say nothing: parameters are text). */
export function parameterTypesAsked(matchers: Matcher[]): JsonType[][] {
  return matchers.flatMap((m) => {
    const asked = typesAsked(m);
    return asked && !asked.includes('string') ? [asked] : [];
  });
}

/** `response.body` + ['results', 0, 'status'] -> `response.body.results[].status`: every item is one field to a caller. */
export function locationOf(place: string, path: PathToken[]): string {
  return path.reduce<string>((at, token) => (typeof token === 'number' || token === '*' ? `${at}[]` : `${at}.${token}`), place);
}

function safeRegex(source: string): RegExp | undefined {
  try {
    return new RegExp(source);
  } catch {
    return undefined;
  }
}
