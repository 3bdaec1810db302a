// The OpenAPI 3.0.3 bundle describes the same API as the 3.1 one: the same operations, parameters,
// bodies, statuses and headers; every example valid in both, each read by its own version's rules
// (JSON Schema 2020-12 for 3.1, OpenAPI 3.0's schema dialect with `nullable` for 3.0); and null
// accepted exactly where the 3.1 bundle accepts it.
import { readFileSync } from 'node:fs';
import { createAjv, DOC_ID, type Node, SpecModel, valueAt } from '@payouts/model';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { bundlePath } from './index.mjs';
import { toOpenApi30 } from './openapi-3.0.mjs';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const modern = SpecModel.load(bundlePath('json'));
const legacy = JSON.parse(readFileSync(bundlePath('json', '3.0'), 'utf8')) as Node;

const ajv30 = addFormats(new Ajv({ strict: false, allErrors: true, discriminator: true, validateFormats: true }));
ajv30.addSchema(legacy, 'openapi-3.0');
const valid30 = (pointer: string, value: unknown) => ajv30.validate({ $ref: `openapi-3.0${pointer}` }, value);
const ajv31 = createAjv();
ajv31.addSchema(modern.document, DOC_ID);
const valid31 = (pointer: string, value: unknown) => ajv31.validate({ $ref: `${DOC_ID}${pointer}` }, value);

/** Every example the 3.1 bundle gives, with the schema it is an example of. */
function examples(): { where: string; schemaPointer: string; value: unknown }[] {
  const found: { where: string; schemaPointer: string; value: unknown }[] = [];
  for (const op of modern.operations) {
    for (const parameter of op.parameters)
      if (parameter.example !== undefined)
        found.push({
          where: `${op.operationId} ${parameter.in} ${parameter.name}`,
          schemaPointer: parameter.schemaPointer,
          value: parameter.example,
        });
    const medias = [
      ...(op.requestBody?.content ?? []).map((media) => ['request body', media] as const),
      ...op.responses.flatMap((response) => response.content.map((media) => [`response ${response.status}`, media] as const)),
    ];
    for (const [part, media] of medias)
      for (const example of media.examples)
        found.push({ where: `${op.operationId} ${part} ${example.name}`, schemaPointer: media.schemaPointer, value: example.value });
  }
  for (const [name, schema] of Object.entries((modern.document.components?.schemas ?? {}) as Node))
    if (schema.example !== undefined)
      found.push({ where: `schema ${name}`, schemaPointer: `#/components/schemas/${name}`, value: schema.example });
  return found;
}

describe('the OpenAPI 3.0.3 bundle', () => {
  it('is OpenAPI 3.0.3 and is what the build converts the 3.1 bundle to', () => {
    expect(legacy.openapi).toBe('3.0.3');
    expect(legacy).toEqual(toOpenApi30(modern.document));
    expect(JSON.stringify(legacy)).not.toMatch(/"const"|"type":\["|"type":"null"/);
  });

  it('has the same operations, parameters, bodies, statuses and headers', () => {
    const shape = (document: Node) =>
      Object.entries(document.paths as Node).flatMap(([path, item]) =>
        Object.entries(item as Node)
          .filter(([method]) => method !== 'parameters')
          .map(([method, op]) => ({
            path,
            method,
            operationId: op.operationId,
            parameters: (op.parameters ?? [])
              .map((p: Node) => valueAt(document, p.$ref ?? '') ?? p)
              .map((p: Node) => `${p.in}:${p.name}:${p.required ?? false}`),
            body: Object.keys(op.requestBody?.content ?? {}),
            responses: Object.fromEntries(
              Object.entries(op.responses as Node).map(([status, response]) => {
                const resolved = (response.$ref ? valueAt(document, response.$ref) : response) as Node;
                return [status, { content: Object.keys(resolved.content ?? {}), headers: Object.keys(resolved.headers ?? {}) }];
              }),
            ),
          })),
      );
    expect(shape(legacy)).toEqual(shape(modern.document));
  });

  it('takes every example of the 3.1 bundle, as the 3.1 bundle does', () => {
    const all = examples();
    expect(all.length).toBeGreaterThan(60);
    const refused = all.filter(({ schemaPointer, value }) => !valid31(schemaPointer, value) || !valid30(schemaPointer, value));
    expect(refused.map((e) => `${e.where}: ${JSON.stringify(ajv30.errors ?? ajv31.errors)}`)).toEqual([]);
  });

  it('takes null exactly where the 3.1 bundle does', () => {
    const properties = Object.entries((modern.document.components?.schemas ?? {}) as Node).flatMap(([name, schema]) =>
      Object.keys((schema.properties ?? {}) as Node).map((property) => `#/components/schemas/${name}/properties/${property}`),
    );
    const differ = properties.filter((pointer) => valid31(pointer, null) !== valid30(pointer, null));
    expect(differ).toEqual([]);
    expect(valid30('#/components/schemas/Payout/properties/debit_bank', null)).toBe(true);
    expect(valid30('#/components/schemas/Payout/properties/amount', null)).toBe(false);
  });

  it('refuses what OpenAPI 3.0 cannot say, naming where it is, rather than drop it', () => {
    const document = structuredClone(modern.document) as Node;
    document.components.schemas.Payout.properties.index.prefixItems = [{ type: 'integer' }];
    expect(() => toOpenApi30(document)).toThrow(
      '#/components/schemas/Payout/properties/index: `prefixItems` cannot be said in OpenAPI 3.0',
    );
  });
});
