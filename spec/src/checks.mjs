// @ts-check
// Checks on the bundled spec that `redocly lint` cannot express on the split sources.
// Each problem names the bundle location and the source file it came from.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatPointer, parsePointer, SpecModel } from '@payouts/model';
import { RELEASES_DIR, releases } from './index.mjs';

/** @type {Map<string, { method: string, path: string, operationId: string, version: string }[]>} */
const releasedByFile = new Map();

/**
 * The operations of the newest release under `releasesDir` (the spec's own `releases/` when the
 * directory has none): what the spec must go on holding, so a deleted or renamed path never
 * ships by accident. `pnpm spec:diff` rates such a change; this stops the build before it.
 * @param {string} [releasesDir]
 * @returns {{ method: string, path: string, operationId: string, version: string }[]}
 */
export function releasedOperations(releasesDir = RELEASES_DIR) {
  const dir = existsSync(releasesDir) ? releasesDir : RELEASES_DIR;
  const version = releases(dir).at(-1);
  if (version === undefined) return [];
  const file = join(dir, `${version}.json`);
  // Read once per release file: a released bundle is a record, never edited (pnpm dev builds on every save).
  let operations = releasedByFile.get(file);
  if (operations === undefined) {
    const model = new SpecModel(JSON.parse(readFileSync(file, 'utf8')));
    operations = model.operations.map(({ method, path, operationId }) => ({ method, path, operationId, version }));
    releasedByFile.set(file, operations);
  }
  return operations;
}

/**
 * Source file a bundle location came from: paths map to the file the root document $refs,
 * components to components/<kind>/<Name>.yaml (Redocly names bundled components by file name).
 * @param {string[]} at @param {Record<string, string>} pathFiles
 */
export function sourceFileOf(at, pathFiles) {
  const [kind, name, item] = at;
  if (kind === 'paths' && name && pathFiles[name]) return `openapi/${pathFiles[name]}`;
  if (kind === 'components' && name !== 'securitySchemes') return `openapi/components/${name}/${item}.yaml`;
  return 'openapi/openapi.yaml';
}

/**
 * @param {any} bundle
 * @param {ReturnType<typeof releasedOperations>} [released] what the bundle must still hold (default: the newest release's operations)
 * @returns {{ at: string[], message: string }[]}
 */
export function checkBundle(bundle, released = releasedOperations()) {
  const model = new SpecModel(bundle);
  return [
    ...missingOperations(model, released),
    ...schemasWithoutExamples(bundle),
    ...invalidExamples(model),
    ...unboundedRequestStrings(model),
  ];
}

/** Formats whose every valid value is short. */
const BOUNDED_FORMATS = new Set(['uuid', 'date', 'date-time', 'email', 'ipv4', 'ipv6']);

/**
 * Every string a caller sends is bounded: a maxLength, an enum or const, or a short format. What
 * reaches the server is where an unbounded string costs (the answers come from the provider).
 * @param {SpecModel} model
 */
function unboundedRequestStrings(model) {
  /** @type {{ at: string[], message: string }[]} */
  const problems = [];
  /** @param {any} schema @param {string} pointer @param {string} field @param {Set<string>} seen */
  const walk = (schema, pointer, field, seen) => {
    if (!schema || typeof schema !== 'object') return;
    if (typeof schema.$ref === 'string') {
      if (seen.has(schema.$ref)) return;
      walk(model.resolve(schema), schema.$ref, field, new Set([...seen, schema.$ref]));
      return;
    }
    const types = [schema.type].flat();
    const bounded = schema.maxLength !== undefined || schema.enum !== undefined || 'const' in schema || BOUNDED_FORMATS.has(schema.format);
    if (types.includes('string') && !bounded)
      problems.push({ at: parsePointer(pointer), message: `${field} is a string a caller sends with no maxLength, enum or short format` });
    for (const [name, child] of Object.entries(schema.properties ?? {}))
      walk(child, `${pointer}/properties/${name}`, `${field}.${name}`, seen);
    if (schema.items) walk(schema.items, `${pointer}/items`, `${field}[]`, seen);
    for (const key of ['allOf', 'oneOf', 'anyOf'])
      for (const [i, child] of (schema[key] ?? []).entries()) walk(child, `${pointer}/${key}/${i}`, field, seen);
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object')
      walk(schema.additionalProperties, `${pointer}/additionalProperties`, `${field}.*`, seen);
  };
  for (const op of model.operations) {
    for (const parameter of op.parameters)
      walk(parameter.schema, parameter.schemaPointer, `${op.operationId}: ${parameter.in} parameter ${parameter.name}`, new Set());
    for (const media of op.requestBody?.content ?? [])
      walk(media.schema, media.schemaPointer, `${op.operationId}: request body`, new Set());
  }
  // A shared component reached from several operations is one problem.
  return [...new Map(problems.map((p) => [p.at.join('/'), p])).values()];
}

/** @param {SpecModel} model @param {ReturnType<typeof releasedOperations>} released */
function missingOperations(model, released) {
  return released.flatMap(({ method, path, operationId, version }) => {
    const operation = model.operations.find((op) => op.method === method && op.path === path);
    if (!operation)
      return [{ at: ['paths', path], message: `missing operation ${method} ${path} (${operationId}), released in ${version}` }];
    if (operation.operationId !== operationId) {
      return [
        {
          at: ['paths', path, method.toLowerCase(), 'operationId'],
          message: `operationId is "${operation.operationId}", expected "${operationId}" (released in ${version})`,
        },
      ];
    }
    return [];
  });
}

/** @param {any} bundle */
function schemasWithoutExamples(bundle) {
  return Object.entries(bundle.components?.schemas ?? {})
    .filter(([, schema]) => schema.example === undefined && schema.examples === undefined)
    .map(([name]) => ({ at: ['components', 'schemas', name], message: `schema ${name} has no example` }));
}

/**
 * Every example in the bundle, with the schema it must satisfy.
 * @param {SpecModel} model
 * @returns {Generator<{ at: string[], schemaAt: string[], value: unknown }>}
 */
function* examplesOf(model) {
  const bundle = model.document;
  for (const [name, schema] of Object.entries(bundle.components?.schemas ?? {})) {
    const schemaAt = ['components', 'schemas', name];
    if (schema.example !== undefined) yield { at: [...schemaAt, 'example'], schemaAt, value: schema.example };
    for (const [i, value] of (schema.examples ?? []).entries()) yield { at: [...schemaAt, 'examples', String(i)], schemaAt, value };
  }
  for (const [kind, holders] of Object.entries(bundle.components ?? {})) {
    if (kind === 'schemas') continue;
    for (const [name, holder] of Object.entries(holders)) yield* examplesIn(model, holder, ['components', kind, name]);
  }
  for (const [path, item] of Object.entries(bundle.paths ?? {})) yield* examplesIn(model, item, ['paths', path]);
}

/**
 * Examples held by parameters, headers and media types anywhere below `node`.
 * @param {SpecModel} model @param {any} node @param {string[]} at
 * @returns {Generator<{ at: string[], schemaAt: string[], value: unknown }>}
 */
function* examplesIn(model, node, at) {
  if (!node || typeof node !== 'object') return;
  if (node.$ref) return; // checked where it is defined
  if (node.schema && (node.example !== undefined || node.examples)) {
    const schemaAt = [...at, 'schema'];
    if (node.example !== undefined) yield { at: [...at, 'example'], schemaAt, value: node.example };
    for (const [key, example] of Object.entries(node.examples ?? {})) {
      yield { at: [...at, 'examples', key], schemaAt, value: model.resolve(example).value };
    }
  }
  for (const [key, child] of Object.entries(node)) {
    if (key === 'schema' || key === 'example' || key === 'examples') continue;
    yield* examplesIn(model, child, [...at, key]);
  }
}

/** @param {SpecModel} model */
function invalidExamples(model) {
  const problems = [];
  for (const { at, schemaAt, value } of examplesOf(model)) {
    const validate = model.validator(formatPointer(schemaAt));
    if (validate(value)) continue;
    const why = (validate.errors ?? [])
      .map(
        (e) =>
          `${e.instancePath || '(root)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`,
      )
      .join('; ');
    problems.push({ at, message: `example does not match its schema: ${why}` });
  }
  return problems;
}
