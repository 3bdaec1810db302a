// @ts-check
// Checks on the bundled spec that `redocly lint` cannot express on the split sources.
// Each problem names the bundle location and the source file it came from.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { REQUIRED_OPERATIONS } from './operations.mjs';

const DOC_ID = 'openapi.json';

/** @param {string} segment */
const escapePointer = (segment) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Source file a bundle location came from: paths map to the file the root document $refs,
 * components to components/<kind>/<Name>.yaml (Redocly names bundled components by file name).
 * @param {string[]} at @param {Record<string, string>} pathFiles
 */
export function sourceFileOf(at, pathFiles) {
  if (at[0] === 'paths' && pathFiles[at[1]]) return `openapi/${pathFiles[at[1]]}`;
  if (at[0] === 'components' && at[1] !== 'securitySchemes') return `openapi/components/${at[1]}/${at[2]}.yaml`;
  return 'openapi/openapi.yaml';
}

/** @param {any} bundle @returns {{ at: string[], message: string }[]} */
export function checkBundle(bundle) {
  return [...missingOperations(bundle), ...schemasWithoutExamples(bundle), ...invalidExamples(bundle)];
}

/** @param {any} bundle */
function missingOperations(bundle) {
  return REQUIRED_OPERATIONS.flatMap(({ method, path, operationId }) => {
    const operation = bundle.paths?.[path]?.[method];
    if (!operation) return [{ at: ['paths', path], message: `missing operation ${method.toUpperCase()} ${path} (${operationId})` }];
    if (operation.operationId !== operationId) {
      return [{ at: ['paths', path, method, 'operationId'], message: `operationId is "${operation.operationId}", expected "${operationId}"` }];
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
 * @param {any} bundle
 * @returns {Generator<{ at: string[], schemaAt: string[], value: unknown }>}
 */
function* examplesOf(bundle) {
  for (const [name, schema] of Object.entries(bundle.components?.schemas ?? {})) {
    const schemaAt = ['components', 'schemas', name];
    if (schema.example !== undefined) yield { at: [...schemaAt, 'example'], schemaAt, value: schema.example };
    for (const [i, value] of (schema.examples ?? []).entries()) yield { at: [...schemaAt, 'examples', String(i)], schemaAt, value };
  }
  for (const [kind, holders] of Object.entries(bundle.components ?? {})) {
    if (kind === 'schemas') continue;
    for (const [name, holder] of Object.entries(holders)) yield* examplesIn(bundle, holder, ['components', kind, name]);
  }
  for (const [path, item] of Object.entries(bundle.paths ?? {})) yield* examplesIn(bundle, item, ['paths', path]);
}

/**
 * Examples held by parameters, headers and media types anywhere below `node`.
 * @param {any} bundle @param {any} node @param {string[]} at
 * @returns {Generator<{ at: string[], schemaAt: string[], value: unknown }>}
 */
function* examplesIn(bundle, node, at) {
  if (!node || typeof node !== 'object') return;
  if (node.$ref) return; // checked where it is defined
  if (node.schema && (node.example !== undefined || node.examples)) {
    const schemaAt = [...at, 'schema'];
    if (node.example !== undefined) yield { at: [...at, 'example'], schemaAt, value: node.example };
    for (const [key, example] of Object.entries(node.examples ?? {})) {
      const resolved = example.$ref ? resolvePointer(bundle, example.$ref) : example;
      yield { at: [...at, 'examples', key], schemaAt, value: resolved?.value };
    }
  }
  for (const [key, child] of Object.entries(node)) {
    if (key === 'schema' || key === 'example' || key === 'examples') continue;
    yield* examplesIn(bundle, child, [...at, key]);
  }
}

/** @param {any} bundle @param {string} ref */
function resolvePointer(bundle, ref) {
  return ref.replace(/^#\//, '').split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((node, key) => node?.[key], bundle);
}

/** @param {any} bundle */
function invalidExamples(bundle) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema(bundle, DOC_ID);
  const validators = new Map();
  const validatorFor = (/** @type {string[]} */ schemaAt) => {
    const ref = `${DOC_ID}${pointer(schemaAt)}`;
    if (!validators.has(ref)) validators.set(ref, ajv.compile({ $ref: ref }));
    return validators.get(ref);
  };
  const problems = [];
  for (const { at, schemaAt, value } of examplesOf(bundle)) {
    const validate = validatorFor(schemaAt);
    if (validate(value)) continue;
    const why = (validate.errors ?? [])
      .map((e) => `${e.instancePath || '(root)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`)
      .join('; ');
    problems.push({ at, message: `example does not match its schema: ${why}` });
  }
  return problems;
}

/** @param {string[]} at */
export const pointer = (at) => `#/${at.map(escapePointer).join('/')}`;
