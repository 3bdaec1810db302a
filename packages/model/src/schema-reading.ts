// What a schema of the document says about one field, read the way a caller relies on it: which
// schemas declare a child (a property by name, an array's items), and which JSON types a value
// there may have. A field counts as declared where a schema's `properties` (or `items`,
// `prefixItems`) names it. What an open object lets through (`additionalProperties` absent, `true`
// or `{}`) is promised to no one; a map the schema describes (`additionalProperties` or
// `patternProperties` with a schema of their own, as the Error body's "one key per invalid
// field") declares its keys as data.
import type { Node, SpecModel } from './model.js';
import { escapeSegment } from './pointer.js';

/** A value's JSON type, integers told apart from other numbers (a schema may allow only those). */
export type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

/**
 * The schema at a pointer and every schema it is made of (`allOf` parts, `oneOf`/`anyOf`
 * branches), each where it really lives after its `$ref`s: a field declared by any of them is one
 * a value there can have.
 */
export function schemaPartsOf(model: SpecModel, pointer: string): { node: Node; pointer: string }[] {
  const parts: { node: Node; pointer: string }[] = [];
  const seen = new Set<string>();
  const visit = (at: string) => {
    const located = model.locate(model.at(at), at);
    if (seen.has(located.pointer)) return;
    seen.add(located.pointer);
    parts.push(located);
    for (const keyword of ['allOf', 'oneOf', 'anyOf'] as const) {
      const list = located.node[keyword];
      if (!Array.isArray(list)) continue;
      for (let i = 0; i < list.length; i++) visit(`${located.pointer}/${keyword}/${i}`);
    }
  };
  visit(pointer);
  return parts;
}

/** The pointers of the schemas that declare a child of a value at `pointer`: a property by name, or an array item by index. */
export function declaredChildren(model: SpecModel, pointer: string, key: string | number): string[] {
  const found: string[] = [];
  for (const { node, pointer: at } of schemaPartsOf(model, pointer)) {
    if (typeof key === 'number') {
      if (Array.isArray(node.prefixItems) && key < node.prefixItems.length) found.push(`${at}/prefixItems/${key}`);
      else if (node.items && typeof node.items === 'object') found.push(`${at}/items`);
    } else if (node.properties && typeof node.properties === 'object' && Object.hasOwn(node.properties, key)) {
      found.push(`${at}/properties/${escapeSegment(key)}`);
    } else {
      for (const [pattern, schema] of Object.entries<Node>(node.patternProperties ?? {}))
        if (describesValues(schema) && safeTest(pattern, key)) found.push(`${at}/patternProperties/${escapeSegment(pattern)}`);
      if (describesValues(node.additionalProperties)) found.push(`${at}/additionalProperties`);
    }
  }
  return found;
}

/** A schema that says something about the values it admits (not `true`, `{}` or a description alone). */
function describesValues(schema: unknown): boolean {
  if (!schema || typeof schema !== 'object') return false;
  return Object.keys(schema).some((k) => !['description', 'title', 'examples', 'example', '$comment'].includes(k));
}

function safeTest(pattern: string, key: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(key);
  } catch {
    return false;
  }
}

/** The JSON types a value at `pointer` may have; undefined when the schema does not limit them. */
export function typesAllowed(model: SpecModel, pointer: string): Set<JsonType> | undefined {
  return typesOf(model, model.locate(model.at(pointer), pointer).node, 0);
}

function typesOf(model: SpecModel, node: Node, depth: number): Set<JsonType> | undefined {
  if (depth > 32) return undefined;
  const resolve = (branch: Node) => typesOf(model, model.resolve(branch), depth + 1);
  if (node.type !== undefined) {
    const types = new Set([node.type].flat() as JsonType[]);
    if (types.has('number')) types.add('integer');
    return types;
  }
  if ('const' in node) return new Set([jsonTypeOf(node.const)]);
  if (Array.isArray(node.enum)) return new Set(node.enum.map(jsonTypeOf));
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    if (!Array.isArray(node[keyword])) continue;
    const union = new Set<JsonType>();
    for (const branch of node[keyword] as Node[]) {
      const types = resolve(branch);
      if (!types) return undefined;
      for (const type of types) union.add(type);
    }
    return union;
  }
  if (Array.isArray(node.allOf)) {
    let common: Set<JsonType> | undefined;
    for (const part of node.allOf as Node[]) {
      const types = resolve(part);
      if (types) common = common ? new Set([...common].filter((t) => types.has(t))) : types;
    }
    return common;
  }
  return undefined;
}

/** The path parameters of a concrete path its operation matched, by name, as sent (percent-decoded). */
export function pathParamsOf(template: string, path: string): Record<string, string> {
  const segments = path.split('/');
  return Object.fromEntries(
    template.split('/').flatMap((part, i) => {
      const name = /^\{([^}]+)\}$/.exec(part)?.[1];
      return name === undefined ? [] : [[name, safeDecode(segments[i] ?? '')]];
    }),
  );
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
