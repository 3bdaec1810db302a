// Compiled validators shared by every SpecModel and ContractChecker in the process, keyed by a
// schema together with everything it references (schemaKey): a process that reads the spec again
// after a save (pnpm dev's build checks, a reloaded mock) or starts another sandbox compiles only
// the schemas that changed. Ajv's code generation is most of what checking the spec's examples
// costs (about 90-250 ms of 100-280 ms for 69 validators on the dev machine).
//
// A validator keeps alive the Ajv instance that compiled it, and that instance the whole document
// it was given; so the cache holds the validators of a few instances at most, dropping all of the
// least recently used instance's when one more arrives.
import type { Ajv2020, ValidateFunction } from './ajv.js';
import { valueAt } from './pointer.js';

const MAX_INSTANCES = 8;

interface Instance {
  lastUsed: number;
  keys: string[];
}

const validators = new Map<string, { validate: ValidateFunction; instance: Instance }>();
const instances = new Map<Ajv2020, Instance>();
let uses = 0;

/**
 * The validator compiled earlier, by any model or checker, from a schema with this key; else the
 * one `compile` makes with its Ajv instance, kept for the next. A key of undefined is never shared.
 */
export function sharedOrCompiled(key: string | undefined, compile: () => { validate: ValidateFunction; ajv: Ajv2020 }): ValidateFunction {
  const found = key === undefined ? undefined : validators.get(key);
  if (found) {
    found.instance.lastUsed = ++uses;
    return found.validate;
  }
  const { validate, ajv } = compile();
  if (key !== undefined) share(key, validate, ajv);
  return validate;
}

function share(key: string, validate: ValidateFunction, ajv: Ajv2020): void {
  let instance = instances.get(ajv);
  if (!instance) {
    if (instances.size >= MAX_INSTANCES) {
      const [oldest] = [...instances].sort(([, a], [, b]) => a.lastUsed - b.lastUsed)[0]!;
      for (const key of instances.get(oldest)!.keys) validators.delete(key);
      instances.delete(oldest);
    }
    instance = { lastUsed: 0, keys: [] };
    instances.set(ajv, instance);
  }
  instance.lastUsed = ++uses;
  instance.keys.push(key);
  validators.set(key, { validate, instance });
}

// Keywords that make a schema's meaning depend on more than its local `$ref`s.
const NOT_LOCAL = new Set(['$id', '$anchor', '$dynamicRef', '$dynamicAnchor', '$recursiveRef', '$recursiveAnchor', '$schema']);

/**
 * The schema at a pointer and every schema it reaches through local `$ref`s, as one string: two
 * documents with the same key validate alike at that pointer. Undefined when the schema depends on
 * something else (an identifier, a remote or encoded `$ref`, a pointer to nothing): such a schema
 * is compiled for its own document and not shared.
 */
export function schemaKey(document: unknown, pointer: string): string | undefined {
  const parts = new Map<string, unknown>();
  const pending = [pointer];
  while (pending.length > 0) {
    const at = pending.pop()!;
    if (parts.has(at)) continue;
    const node = valueAt(document, at);
    if (node === undefined) return undefined;
    parts.set(at, node);
    const nodes: unknown[] = [node];
    while (nodes.length > 0) {
      const current = nodes.pop();
      if (current === null || typeof current !== 'object') continue;
      for (const [key, value] of Object.entries(current)) {
        if (NOT_LOCAL.has(key)) return undefined;
        if (key === '$ref') {
          if (typeof value !== 'string' || !value.startsWith('#/') || value.includes('%')) return undefined;
          pending.push(value);
        }
        nodes.push(value);
      }
    }
  }
  return JSON.stringify([...parts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
