// The names a person reads for places Redocly reports by pointer, on a small document with the
// shapes the Payouts spec does not have yet (inline bodies, arrays, variants, component parameters).
import { SpecModel } from '@payouts/model';
import { describe, expect, it } from 'vitest';
import { phrase, subjectOf } from './names.js';

const model = new SpecModel({
  openapi: '3.1.0',
  info: { title: 't', version: '1.0.0' },
  paths: {
    '/things/{id}/': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      get: {
        operationId: 'getThing',
        parameters: [{ $ref: '#/components/parameters/Cursor' }, { name: 'X-Tenant', in: 'header', schema: { type: 'string' } }],
        responses: {
          '200': {
            description: 'ok',
            headers: { 'X-Next': { schema: { type: 'string' } } },
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { items: { type: 'array', items: { type: 'object', properties: { amount: { type: 'integer' } } } } },
                },
                examples: { empty: { value: { items: [] } } },
              },
            },
          },
        },
      },
    },
  },
  components: {
    parameters: { Cursor: { name: 'cursor', in: 'query', schema: { type: 'string', maxLength: 10 } } },
    schemas: {
      Money: { type: 'object', properties: { value: { type: 'integer' } } },
      Owner: { oneOf: [{ $ref: '#/components/schemas/Money' }, { type: 'null' }] },
    },
  },
});

const named = (pointer: string) => phrase(subjectOf(pointer, model));

describe('a pointer as a person names it', () => {
  it('parameters by their name and kind, wherever they are declared', () => {
    expect(named('#/paths/~1things~1{id}~1/get/parameters/0')).toBe('Query parameter `cursor`');
    expect(named('#/paths/~1things~1{id}~1/get/parameters/1')).toBe('Header `X-Tenant`');
    expect(named('#/paths/~1things~1{id}~1/parameters/0')).toBe('Path parameter `id`');
    expect(named('#/components/parameters/Cursor/schema/maxLength')).toBe('The maxLength of query parameter `cursor`');
  });

  it('fields of inline bodies by their path, arrays as []', () => {
    expect(
      named('#/paths/~1things~1{id}~1/get/responses/200/content/application~1json/schema/properties/items/items/properties/amount'),
    ).toBe('Field `items[].amount` of the body of response `200`');
    expect(
      named('#/paths/~1things~1{id}~1/get/responses/200/content/application~1json/schema/properties/items/items/properties/amount/type'),
    ).toBe('The type of field `items[].amount` of the body of response `200`');
  });

  it('responses, their headers and named examples', () => {
    expect(named('#/paths/~1things~1{id}~1/get/responses/200')).toBe('Response `200`');
    expect(named('#/paths/~1things~1{id}~1/get/responses/200/headers/X-Next')).toBe('Header `X-Next` of response `200`');
    expect(named('#/paths/~1things~1{id}~1/get/responses/200/content/application~1json/examples/empty')).toBe(
      'Example `empty` of the body of response `200`',
    );
  });

  it('variants by the component they refer to, or their type', () => {
    expect(named('#/components/schemas/Owner/oneOf/0')).toBe('Variant `Money` of `Owner`');
    expect(named('#/components/schemas/Owner/oneOf/1')).toBe('The `null` variant of `Owner`');
    expect(named('#/components/schemas/Money/properties/value/minimum')).toBe('The minimum of field `value` of `Money`');
  });
});
