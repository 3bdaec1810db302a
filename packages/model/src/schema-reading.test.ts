import { describe, expect, it } from 'vitest';
import { SpecModel } from './model.js';
import { declaredChildren, jsonTypeOf, pathParamsOf, schemaPartsOf, typesAllowed } from './schema-reading.js';

const model = new SpecModel({
  openapi: '3.1.0',
  paths: {},
  components: {
    schemas: {
      Base: { type: 'object', properties: { id: { type: 'string' } } },
      Child: { allOf: [{ $ref: '#/components/schemas/Base' }, { properties: { name: { type: 'string' } } }] },
      Either: { oneOf: [{ $ref: '#/components/schemas/Base' }, { type: 'null' }] },
      Open: { type: 'object', additionalProperties: true, properties: { a: { type: 'integer' } } },
      Map: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
      List: { type: 'array', prefixItems: [{ type: 'integer' }], items: { type: 'string' } },
      Number: { type: ['number', 'null'] },
      Choice: { enum: ['a', 1] },
    },
  },
});
const at = (name: string) => `#/components/schemas/${name}`;

describe('reading what a schema declares', () => {
  it('finds a property through allOf parts, oneOf branches and $refs', () => {
    expect(declaredChildren(model, at('Child'), 'id')).toEqual([`${at('Base')}/properties/id`]);
    expect(declaredChildren(model, at('Child'), 'name')).toEqual([`${at('Child')}/allOf/1/properties/name`]);
    expect(declaredChildren(model, at('Either'), 'id')).toEqual([`${at('Base')}/properties/id`]);
    expect(schemaPartsOf(model, at('Either')).map((p) => p.pointer)).toEqual([at('Either'), at('Base'), `${at('Either')}/oneOf/1`]);
  });

  it('does not count what an open object lets through, and does count the keys of a described map', () => {
    expect(declaredChildren(model, at('Open'), 'b')).toEqual([]);
    expect(declaredChildren(model, at('Map'), 'amount')).toEqual([`${at('Map')}/additionalProperties`]);
  });

  it('finds array items by position', () => {
    expect(declaredChildren(model, at('List'), 0)).toEqual([`${at('List')}/prefixItems/0`]);
    expect(declaredChildren(model, at('List'), 3)).toEqual([`${at('List')}/items`]);
  });

  it('says which JSON types a value may have', () => {
    expect(typesAllowed(model, at('Number'))).toEqual(new Set(['number', 'null', 'integer']));
    expect(typesAllowed(model, at('Either'))).toEqual(new Set(['object', 'null']));
    expect(typesAllowed(model, at('Choice'))).toEqual(new Set(['string', 'integer']));
    expect(typesAllowed(model, at('Child'))).toEqual(new Set(['object']));
    expect(jsonTypeOf(1.5)).toBe('number');
    expect(jsonTypeOf(2)).toBe('integer');
  });

  it('reads the path parameters of a concrete path, percent-decoded', () => {
    expect(pathParamsOf('/v1/payouts/{id}/retry/', '/v1/payouts/a%20b/retry/')).toEqual({ id: 'a b' });
  });
});
