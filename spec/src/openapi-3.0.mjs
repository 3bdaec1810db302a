// @ts-check
// The bundle as OpenAPI 3.0.3, for the tools that read no 3.1 (Dredd, openapi-diff,
// openapi-typescript-codegen, older openapi-generator setups). It says what the 3.1 bundle says,
// in 3.0's words:
// - `type: [T, "null"]` is `type: T` with `nullable: true`;
// - a `oneOf`/`anyOf` with a `{type: "null"}` branch: the first other branch with a `type` takes
//   the null (`nullable: true`, which 3.0.3 reads beside a `type` only); where every other branch
//   is a `$ref`, the null branch is `{type: <the target's>, nullable: true, enum: [null]}`;
// - `const: X` is `enum: [X]`; a schema's `examples: [a, ...]` is `example: a`;
// - `exclusiveMinimum: n` is `minimum: n` with `exclusiveMinimum: true` (and the same for maximum);
// - what 3.0 has no word for and says nothing on the wire is left out (`info.summary`, the
//   license's SPDX `identifier`, `$comment`); a 3.1 keyword that does constrain values and that 3.0
//   cannot say fails the conversion, naming where it is, rather than be dropped.

/** Keywords of 3.1 schemas that 3.0 cannot say and that would change what is valid. */
const UNSAYABLE = [
  'prefixItems',
  'unevaluatedProperties',
  'unevaluatedItems',
  'if',
  'then',
  'else',
  'dependentRequired',
  'dependentSchemas',
  'patternProperties',
  'propertyNames',
  'contains',
  '$defs',
];

/** Where schemas sit in an OpenAPI document: the keys whose values are schemas, or maps or lists of them. */
const SCHEMA_KEYS = new Set(['schema', 'items', 'not', 'additionalProperties']);
const SCHEMA_LIST_KEYS = new Set(['allOf', 'oneOf', 'anyOf']);
const SCHEMA_MAP_KEYS = new Set(['properties']);

const isNullSchema = (/** @type {any} */ schema) =>
  schema && typeof schema === 'object' && schema.type === 'null' && Object.keys(schema).length === 1;

/**
 * @param {Record<string, any>} document the 3.1 bundle (left untouched)
 * @returns {Record<string, any>} the same API as OpenAPI 3.0.3
 */
export function toOpenApi30(document) {
  const copy = structuredClone(document);
  copy.openapi = '3.0.3';
  delete copy.jsonSchemaDialect;
  if (copy.webhooks) throw new Error('webhooks cannot be said in OpenAPI 3.0');
  if (copy.info) {
    delete copy.info.summary;
    if (copy.info.license) delete copy.info.license.identifier;
  }
  const schemas = copy.components?.schemas ?? {};
  /** @param {any} schema @param {string} at */
  const convertSchema = (schema, at) => {
    if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return schema;
    if (typeof schema.$ref === 'string') return { $ref: schema.$ref }; // 3.0 reads nothing beside a $ref
    for (const keyword of UNSAYABLE) if (keyword in schema) throw new Error(`${at}: \`${keyword}\` cannot be said in OpenAPI 3.0`);
    /** @type {Record<string, any>} */
    const out = {};
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$comment' || key === '$schema') continue;
      if (SCHEMA_KEYS.has(key)) out[key] = typeof value === 'boolean' ? value : convertSchema(value, `${at}/${key}`);
      else if (SCHEMA_LIST_KEYS.has(key))
        out[key] = value.map((/** @type {any} */ s, /** @type {number} */ i) => convertSchema(s, `${at}/${key}/${i}`));
      else if (SCHEMA_MAP_KEYS.has(key))
        out[key] = Object.fromEntries(Object.entries(value).map(([name, s]) => [name, convertSchema(s, `${at}/${key}/${name}`)]));
      else out[key] = value;
    }
    if (Array.isArray(out.type)) {
      const types = out.type.filter((/** @type {string} */ t) => t !== 'null');
      if (types.length !== 1) throw new Error(`${at}: \`type: ${JSON.stringify(out.type)}\` cannot be said in OpenAPI 3.0`);
      if (types.length < out.type.length) out.nullable = true;
      out.type = types[0];
    }
    for (const key of ['oneOf', 'anyOf']) {
      if (!Array.isArray(out[key]) || !out[key].some(isNullSchema)) continue;
      const rest = out[key].filter((/** @type {any} */ s) => !isNullSchema(s));
      const typed = rest.findIndex((/** @type {any} */ s) => typeof s.type === 'string');
      if (typed < 0) {
        // Only references: null is a branch of its own, in the one form 3.0.3 has for it.
        const target = schemas[rest[0]?.$ref?.replace('#/components/schemas/', '')];
        out[key] = [...rest, { type: typeof target?.type === 'string' ? target.type : 'object', nullable: true, enum: [null] }];
      } else {
        // 3.0.3 reads `nullable` beside a `type` only: null goes to the first branch that has one.
        out[key] = rest.map((/** @type {any} */ s, /** @type {number} */ i) => (i === typed ? { ...s, nullable: true } : s));
      }
    }
    if ('const' in out) {
      if (!Array.isArray(out.enum)) out.enum = [out.const];
      delete out.const;
    }
    if (Array.isArray(out.examples)) {
      if (out.example === undefined && out.examples.length > 0) out.example = out.examples[0];
      delete out.examples;
    }
    for (const [exclusive, bound] of /** @type {const} */ ([
      ['exclusiveMinimum', 'minimum'],
      ['exclusiveMaximum', 'maximum'],
    ])) {
      if (typeof out[exclusive] === 'number') {
        out[bound] = out[exclusive];
        out[exclusive] = true;
      }
    }
    return out;
  };

  /** Every schema in the document, wherever OpenAPI puts one. @param {any} node @param {string} at */
  const visit = (node, at) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) visit(item, `${at}/${i}`);
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'schema') node[key] = convertSchema(value, `${at}/schema`);
      else if (key === 'example' || key === 'examples')
        continue; // values, not schemas
      else visit(value, `${at}/${key}`);
    }
  };
  for (const [name, schema] of Object.entries(schemas)) schemas[name] = convertSchema(schema, `#/components/schemas/${name}`);
  visit(copy.paths, '#/paths');
  for (const [kind, components] of Object.entries(copy.components ?? {})) if (kind !== 'schemas') visit(components, `#/components/${kind}`);
  return copy;
}
