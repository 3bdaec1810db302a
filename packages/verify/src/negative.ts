// Invalid input, derived from the spec's schemas (Respect has no way to derive it): each required
// body field removed, each body field of the wrong type, an unknown enum value, a malformed UUID in
// the path, and integer query parameters just outside their bounds. Every case must be rejected
// with a documented 4xx that is not an auth failure, in the documented error shape.
import type { Json, Operation, Parameter, Node as Schema, SpecModel as Spec } from '@payouts/model';
import { jsonRequest } from './spec.js';

export interface InvalidCase {
  operationId: string;
  /** Where the fault is, as a person names it: 'body.amount', 'query.page_size', 'path.id'. */
  field: string;
  /** What is wrong with it, in a few words. */
  fault: string;
  pathParams: Record<string, string>;
  query: Record<string, string>;
  body?: Json;
  /** The body as sent, when JSON.stringify cannot write it (a number such as 1e400). */
  rawBody?: string;
}

type JsonObject = { [key: string]: Json };

const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The invalid-input cases of one operation. `pathParams` are the ids to use where the fault is not
 * in the path (so a real payout is addressed and only the input is wrong).
 */
export function invalidCases(spec: Spec, op: Operation, pathParams: Record<string, string>): InvalidCase[] {
  const cases: InvalidCase[] = [];
  const request = jsonRequest(op);
  const base = { operationId: op.operationId, pathParams, query: {} as Record<string, string>, body: request?.example };

  for (const param of op.parameters) {
    const schema = spec.resolve<Schema>(param.schema ?? {});
    if (param.in === 'path' && schema.format === 'uuid') {
      cases.push({
        ...base,
        field: `path.${param.name}`,
        fault: 'malformed UUID',
        pathParams: { ...pathParams, [param.name]: 'not-a-uuid' },
      });
    }
    if (param.in !== 'query') continue;
    cases.push(...queryCases(base, param, schema));
  }

  // Each oneOf branch the body's examples show (the callback's success, failure and reversal), once.
  const branchesSeen = new Set<Schema>();
  for (const example of request?.examples ?? []) {
    if (!request || !isObject(example)) continue;
    const schema = objectBranch(spec, request.schema, example);
    if (branchesSeen.has(schema)) continue;
    branchesSeen.add(schema);
    const withExample = { ...base, body: example };
    for (const name of schema.required ?? []) {
      if (!(name in example)) continue;
      const { [name]: _removed, ...rest } = example;
      cases.push({ ...withExample, field: `body.${name}`, fault: 'required field removed', body: rest });
    }
    for (const [name, raw] of Object.entries<Schema>(schema.properties ?? {})) {
      if (!(name in example)) continue;
      const property = spec.resolve<Schema>(raw);
      cases.push({
        ...withExample,
        field: `body.${name}`,
        fault: `wrong type (${describeWrong(property)})`,
        body: { ...example, [name]: wrongTypeValue(property) },
      });
      const unknown = unknownEnumValue(property, name);
      if (unknown !== undefined)
        cases.push({
          ...withExample,
          field: `body.${name}`,
          fault: `unknown enum value "${unknown}"`,
          body: { ...example, [name]: unknown },
        });
      cases.push(...numberCases({ ...withExample, field: `body.${name}` }, example, name, property));
    }
  }
  // A field two branches share (the reference, the status) is checked once.
  const named = new Set<string>();
  return cases.filter((c) => {
    const key = `${c.field} ${c.fault}`;
    if (named.has(key)) return false;
    named.add(key);
    return true;
  });
}

function queryCases(base: Omit<InvalidCase, 'field' | 'fault'>, param: Parameter, schema: Schema): InvalidCase[] {
  const cases: InvalidCase[] = [];
  const field = `query.${param.name}`;
  if (schema.type === 'integer' && typeof schema.minimum === 'number') {
    cases.push({ ...base, field, fault: `below minimum ${schema.minimum}`, query: { [param.name]: String(schema.minimum - 1) } });
  }
  if (schema.type === 'integer' && typeof schema.maximum === 'number') {
    cases.push({ ...base, field, fault: `above maximum ${schema.maximum}`, query: { [param.name]: String(schema.maximum + 1) } });
  }
  if (typesOf(schema).some((type) => type === 'integer' || type === 'number')) {
    // Number() reads these, and a parser that uses it would take them: a number in a URL is decimal digits.
    cases.push({ ...base, field, fault: 'not decimal digits (0x10)', query: { [param.name]: '0x10' } });
  }
  const unknown = unknownEnumValue(schema, param.name);
  if (unknown !== undefined) cases.push({ ...base, field, fault: `unknown enum value "${unknown}"`, query: { [param.name]: unknown } });
  return cases;
}

/** For a oneOf body (the callback), the branch the example belongs to; otherwise the schema itself. */
/**
 * A numeric body field just outside its bounds, and as a number JSON parses to Infinity: each
 * must be refused, never rounded or stored.
 */
function numberCases(base: Omit<InvalidCase, 'fault'>, example: JsonObject, name: string, schema: Schema): InvalidCase[] {
  const types = typesOf(schema);
  if (!types.includes('integer') && !types.includes('number')) return [];
  const cases: InvalidCase[] = [];
  if (typeof schema.maximum === 'number') {
    cases.push({ ...base, fault: `above maximum ${schema.maximum}`, body: { ...example, [name]: schema.maximum + 1 } });
  }
  if (typeof schema.minimum === 'number') {
    cases.push({ ...base, fault: `below minimum ${schema.minimum}`, body: { ...example, [name]: schema.minimum - 1 } });
  }
  const marker = '"__payouts_verify_number__"';
  const rawBody = JSON.stringify({ ...example, [name]: JSON.parse(marker) }).replace(marker, '1e400');
  cases.push({ ...base, fault: 'a number JSON parses to Infinity (1e400)', body: undefined, rawBody });
  return cases;
}

function objectBranch(spec: Spec, schema: Schema, example: JsonObject): Schema {
  const branches: Schema[] = (schema.oneOf ?? schema.anyOf ?? []).map((b: Schema) => spec.resolve<Schema>(b));
  if (branches.length === 0) return schema;
  const matches = (branch: Schema) =>
    (branch.required ?? []).every((name: string) => name in example) &&
    Object.entries<Schema>(branch.properties ?? {}).every(([name, p]) => {
      const property = spec.resolve<Schema>(p);
      return property.const === undefined || property.const === example[name];
    });
  return branches.find(matches) ?? branches[0] ?? schema;
}

const typesOf = (schema: Schema): string[] => {
  if (schema.type) return [schema.type].flat();
  if (schema.const !== undefined) return [typeof schema.const];
  if (schema.enum) return [...new Set((schema.enum as unknown[]).map((v) => (v === null ? 'null' : typeof v)))];
  return [];
};

/** A value of a JSON type the schema does not allow. */
function wrongTypeValue(schema: Schema): Json {
  const allowed = typesOf(schema);
  if (allowed.includes('string')) return 12345;
  if (allowed.includes('integer') || allowed.includes('number')) return 'not-a-number';
  if (allowed.includes('boolean')) return 'not-a-boolean';
  if (allowed.includes('array')) return 'not-an-array';
  return 'not-an-object';
}

const describeWrong = (schema: Schema) => {
  const value = wrongTypeValue(schema);
  return `${typeof value} where ${typesOf(schema).join(' or ') || 'object'} is expected`;
};

function unknownEnumValue(schema: Schema, name: string): string | undefined {
  const values: unknown[] | undefined = schema.enum ?? (schema.const !== undefined ? [schema.const] : undefined);
  if (!values?.every((v) => typeof v === 'string')) return undefined;
  return `not-a-${name.replace(/_/g, '-')}`;
}
