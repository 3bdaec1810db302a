import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAjv, DOC_ID, exampleOf, fieldName, formatPointer, type Node, parsePointer, SpecModel, valueAt } from './index.js';

// A small document with what the real spec has and the edge cases it may grow into: a path-level
// parameter overridden by the operation, a literal path beside a template, a component whose name
// needs escaping in a pointer, a response and a parameter reached through a chain of $refs.
const document = {
  openapi: '3.1.0',
  security: [{ bearerAuth: [] }],
  paths: {
    '/v1/things/{id}/': {
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'string' }, example: 'path-level' },
        { name: 'trace', in: 'header', schema: { type: 'string' } },
      ],
      put: {
        operationId: 'updateThing',
        parameters: [
          { $ref: '#/components/parameters/ThingId' },
          { name: 'dry_run', in: 'query', schema: { type: 'boolean', example: true } },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { $ref: '#/components/schemas/a~1b' },
              examples: { first: { $ref: '#/components/examples/First' }, second: { summary: 'The second one', value: { amount: 2 } } },
            },
          },
        },
        responses: { '200': { $ref: '#/components/responses/Alias' }, '4XX': { description: 'any client error' } },
      },
    },
    '/v1/things/export/': { get: { operationId: 'exportThings', security: [], responses: { default: { description: 'x' } } } },
    '/v1/things/hook/': {
      post: { operationId: 'thingHook', security: [{ signed: [] }, { bearerAuth: [] }], responses: { default: { description: 'x' } } },
    },
  },
  components: {
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer' },
      signed: { type: 'apiKey', in: 'header', name: 'X-Thing-Signature' },
    },
    parameters: {
      ThingId: { $ref: '#/components/parameters/RealThingId' },
      RealThingId: {
        name: 'id',
        in: 'path',
        required: true,
        schema: { type: 'string', format: 'uuid' },
        examples: { one: { value: 'op-level' } },
      },
    },
    schemas: { 'a/b': { type: 'object', properties: { amount: { type: 'integer', minimum: 1 } }, required: ['amount'] } },
    examples: { First: { value: { amount: 1 } } },
    responses: {
      Alias: { $ref: '#/components/responses/Thing' },
      Thing: {
        description: 'ok',
        headers: { 'X-Request-Id': { schema: { type: 'string' } } },
        content: { 'text/csv': { schema: { type: 'string' } } },
      },
    },
  },
};

describe('SpecModel', () => {
  const model = new SpecModel(document);

  it('lists every operation with its upper-case method, path and pointer', () => {
    expect(model.operations.map((op) => [op.operationId, op.method, op.path, op.pointer])).toEqual([
      ['updateThing', 'PUT', '/v1/things/{id}/', '#/paths/~1v1~1things~1{id}~1/put'],
      ['exportThings', 'GET', '/v1/things/export/', '#/paths/~1v1~1things~1export~1/get'],
      ['thingHook', 'POST', '/v1/things/hook/', '#/paths/~1v1~1things~1hook~1/post'],
    ]);
  });

  it('merges parameters path-level first, the operation overriding one of the same name and place', () => {
    const params = model.operation('updateThing').parameters;
    expect(params.map((p) => `${p.in}:${p.name}`)).toEqual(['path:id', 'header:trace', 'query:dry_run']);
    expect(params[0]).toMatchObject({ required: true, example: 'op-level', schemaPointer: '#/components/parameters/RealThingId/schema' });
    expect(params[2]?.example).toBe(true); // from its schema
  });

  it('reads request and response media types where they really live, examples resolved in order with their summaries', () => {
    const op = model.operation('updateThing');
    const body = op.requestBody?.content[0];
    expect(body?.examples).toEqual([
      { name: 'first', value: { amount: 1 } },
      { name: 'second', value: { amount: 2 }, summary: 'The second one' },
    ]);
    expect(exampleOf(body)).toEqual({ amount: 1 });
    expect(body?.schema?.required).toEqual(['amount']);
    const ok = model.responseFor(op, 200);
    expect(ok).toMatchObject({ status: '200', pointer: '#/components/responses/Thing', headers: ['x-request-id'] });
    expect(ok?.content[0]?.schemaPointer).toBe('#/components/responses/Thing/content/text~1csv/schema');
    expect(model.responseFor(op, 409)?.status).toBe('4XX');
    expect(model.responseFor(op, 500)).toBeUndefined();
  });

  it('knows which operations are secured, and the headers their credentials travel in', () => {
    expect(model.operation('updateThing')).toMatchObject({
      secured: true,
      securitySchemes: ['bearerAuth'],
      credentialHeaders: ['Authorization'],
    });
    expect(model.operation('exportThings')).toMatchObject({ secured: false, securitySchemes: [], credentialHeaders: [] });
    expect(model.operation('thingHook')).toMatchObject({
      securitySchemes: ['signed', 'bearerAuth'],
      credentialHeaders: ['X-Thing-Signature', 'Authorization'],
    });
  });

  it('routes a literal path before a template, and lists the methods of a path', () => {
    expect(model.route('get', '/v1/things/export/')?.operationId).toBe('exportThings');
    expect(model.route('PUT', '/v1/things/42/')?.operationId).toBe('updateThing');
    expect(model.route('PUT', '/v1/things/42')).toBeUndefined();
    expect(model.methodsAt('/v1/things/export/')).toEqual(['GET', 'PUT']);
  });

  it('names the known operations when asked for an unknown one', () => {
    expect(() => model.operation('nope')).toThrow('no operation "nope" in the spec; known: updateThing, exportThings');
  });

  it('fails clearly on a dangling or looping $ref', () => {
    expect(() => model.resolve({ $ref: '#/components/schemas/Missing' })).toThrow('#/components/schemas/Missing points nowhere');
    const looping = new SpecModel({ paths: {}, components: { schemas: { A: { $ref: '#/components/schemas/A' } } } });
    expect(() => looping.resolve({ $ref: '#/components/schemas/A' })).toThrow('$ref loop');
    expect(() => model.resolve({ $ref: 'other.yaml#/x' })).toThrow('only local $refs');
  });

  it('validates with the document registered, by schema pointer', () => {
    const validate = model.validator(model.operation('updateThing').requestBody!.content[0]!.schemaPointer);
    expect(validate({ amount: 3 })).toBe(true);
    expect(validate({ amount: 0 })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ instancePath: '/amount', keyword: 'minimum' });
  });

  it('shares a compiled validator with another model only where the schema and all it references are the same', () => {
    const bodyPointer = '#/paths/~1v1~1things~1{id}~1/put/requestBody/content/application~1json/schema';
    const wrapper = { type: 'object', properties: { thing: { $ref: '#/components/schemas/a~1b' } } };
    const withWrapper = (amount: object) => {
      const copy: Node = structuredClone(document);
      copy.components.schemas['a/b'] = { ...copy.components.schemas['a/b'], properties: { amount } };
      copy.components.schemas.Wrapper = wrapper;
      return new SpecModel(copy);
    };
    const first = withWrapper({ type: 'integer', minimum: 1 });
    const same = withWrapper({ type: 'integer', minimum: 1 });
    expect(same.validator(bodyPointer)).toBe(first.validator(bodyPointer));

    // A save that changes a schema two $refs away: the new model's validator follows the new schema.
    const changed = withWrapper({ type: 'integer', minimum: 10 });
    const wrapperPointer = '#/components/schemas/Wrapper';
    expect(first.validator(wrapperPointer)({ thing: { amount: 5 } })).toBe(true);
    expect(changed.validator(wrapperPointer)).not.toBe(first.validator(wrapperPointer));
    expect(changed.validator(wrapperPointer)({ thing: { amount: 5 } })).toBe(false);
    expect(changed.validator(wrapperPointer).errors?.[0]).toMatchObject({ instancePath: '/thing/amount', keyword: 'minimum' });
    expect(first.validator(wrapperPointer)({ thing: { amount: 5 } }), 'the first model keeps its own answer').toBe(true);

    // A schema whose meaning depends on more than local $refs is compiled for its own document.
    const identified: Node = structuredClone(document);
    identified.components.schemas['a/b'] = { ...identified.components.schemas['a/b'], $id: 'https://example.test/thing' };
    const a = new SpecModel(identified);
    const b = new SpecModel(structuredClone(identified));
    expect(a.validator(bodyPointer)).not.toBe(b.validator(bodyPointer));
    expect(b.validator(bodyPointer)({ amount: 0 })).toBe(false);
  });

  it('loads JSON and YAML files, and says what is wrong with a bad one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'payouts-model-'));
    await writeFile(join(dir, 'spec.json'), JSON.stringify(document));
    await writeFile(join(dir, 'spec.yaml'), 'paths:\n  /a/:\n    get:\n      operationId: getA\n      responses: {}\n');
    await writeFile(join(dir, 'bad.json'), '{"paths": ');
    await writeFile(join(dir, 'nopaths.yaml'), 'openapi: 3.1.0\n');
    expect(SpecModel.load(join(dir, 'spec.json')).operations).toHaveLength(3);
    expect(SpecModel.load(join(dir, 'spec.yaml')).operation('getA').method).toBe('GET');
    expect(() => SpecModel.load(join(dir, 'missing.json'))).toThrow(`cannot read the spec ${join(dir, 'missing.json')}: it does not exist`);
    expect(() => SpecModel.load(join(dir, 'bad.json'))).toThrow(/cannot parse the spec .*bad\.json/);
    expect(() => SpecModel.load(join(dir, 'nopaths.yaml'))).toThrow('nopaths.yaml is not an OpenAPI document: it has no paths');
  });
});

describe('createAjv', () => {
  it('never accepts a number JSON cannot carry (strictNumbers), and checks formats', () => {
    const ajv = createAjv();
    const validate = ajv.compile({ type: 'object', properties: { n: { type: 'number' }, id: { type: 'string', format: 'uuid' } } });
    expect(validate(JSON.parse('{"n": 1e400}'))).toBe(false);
    expect(validate({ n: Number.NaN })).toBe(false);
    expect(validate({ n: 1.5 })).toBe(true);
    expect(validate({ id: 'not-a-uuid' })).toBe(false);
  });

  it('accepts OpenAPI keywords in schemas and refers into a registered document', () => {
    const ajv = createAjv({ coerceTypes: true });
    ajv.addSchema({ components: { schemas: { N: { type: 'integer', example: 3, 'x-note': 'kept' } } } }, DOC_ID);
    const validate = ajv.compile({ type: 'object', properties: { n: { $ref: `${DOC_ID}#/components/schemas/N` } } });
    const query = { n: '42' };
    expect(validate(query)).toBe(true);
    expect(query.n).toBe(42); // coerced in place, as query parameters are
    expect(validate({ n: '4x' })).toBe(false);
  });
});

describe('pointers', () => {
  it('escape ~ and / (RFC 6901), decoding ~1 before ~0', () => {
    expect(formatPointer(['paths', '/a/{id}/', 'x~y'])).toBe('#/paths/~1a~1{id}~1/x~0y');
    expect(parsePointer('#/paths/~1a~1/x~0y/~01')).toEqual(['paths', '/a/', 'x~y', '~1']);
    expect(parsePointer('')).toEqual([]);
    expect(() => parsePointer('paths')).toThrow('not a JSON pointer');
    expect(valueAt({ 'a/b': [{ c: 1 }] }, '/a~1b/0/c')).toBe(1);
    expect(valueAt({ a: 1 }, '/a/b')).toBeUndefined();
    expect(fieldName('/results/0/amount')).toBe('results[0].amount');
    expect(fieldName('')).toBe('(body)');
  });
});
