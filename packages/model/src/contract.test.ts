// The one contract checker on a small document with the real spec's shapes: a bearer-secured
// operation with path, query and header parameters and a closed JSON body; answers with a
// documented header, a nullable field and a callback-like tagged oneOf.
import { describe, expect, it } from 'vitest';
import { answerBodyOf, type Diagnostic, errorBodyOf, SpecModel } from './index.js';

const spec = new SpecModel({
  openapi: '3.1.0',
  security: [{ bearerAuth: [] }],
  components: {
    securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Payout: {
        type: 'object',
        additionalProperties: false,
        required: ['amount', 'status'],
        properties: {
          amount: { type: 'integer', format: 'int64', minimum: 1 },
          status: { enum: ['pending', 'processed'] },
          utr: { type: ['string', 'null'], maxLength: 4 },
        },
      },
      Outcome: {
        oneOf: [
          { type: 'object', required: ['status', 'utr'], properties: { status: { const: 'processed' }, utr: { type: 'string' } } },
          { type: 'object', required: ['status', 'remark'], properties: { status: { const: 'failed' }, remark: { type: 'string' } } },
        ],
      },
    },
  },
  paths: {
    '/payouts/{id}/': {
      put: {
        operationId: 'updatePayout',
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
          { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1, default: 1 } },
          { name: 'Idempotency-Key', in: 'header', schema: { type: 'string', maxLength: 8 } },
        ],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Payout' } } } },
        responses: {
          '200': {
            description: 'the payout',
            headers: { 'X-Request-Id': { schema: { type: 'string' } } },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Payout' } } },
          },
          '204': { description: 'nothing' },
          '4XX': { description: 'refused', content: { 'application/json': { schema: { type: 'object' } } } },
        },
      },
    },
    '/outcomes/': {
      post: {
        operationId: 'sendOutcome',
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Outcome' } } } },
        responses: { '200': { description: 'ok' } },
      },
    },
  },
});
const update = spec.operation('updatePayout');
const outcome = spec.operation('sendOutcome');
const ID = '0b6f7c2e-3a4d-4e5f-8a9b-0c1d2e3f4a5b';
const AUTH = { authorization: 'Bearer t' };
const brief = (diagnostics: Diagnostic[]) => diagnostics.map((d) => `${d.side} ${d.location} ${d.field}: ${d.message}`);

describe('checkRequest', () => {
  it('passes a request that keeps the contract, its parameters coerced and defaults filled', () => {
    const checked = spec.checkRequest(update, {
      params: { id: ID },
      query: { page: '2', colour: 'blue' },
      headers: { ...AUTH, 'idempotency-key': 'k1' },
      body: { amount: 5, status: 'pending' },
    });
    expect(checked.diagnostics).toEqual([]);
    expect(checked.request).toEqual({
      params: { id: ID },
      query: { page: 2 },
      headers: { 'Idempotency-Key': 'k1' },
      body: { amount: 5, status: 'pending' },
    });
    expect(
      spec.checkRequest(update, { params: { id: ID }, query: {}, headers: AUTH, body: { amount: 1, status: 'processed' } }).request.query,
    ).toEqual({ page: 1 });
  });

  it('names every field that breaks it, in every part, by its name', () => {
    const { diagnostics } = spec.checkRequest(update, {
      params: { id: '42' },
      query: { page: '0x10' },
      headers: { 'idempotency-key': 'much-too-long' },
      body: { amount: '5', colour: 'blue', constructor: 1 },
    });
    expect(brief(diagnostics).sort()).toEqual(
      [
        'request header Authorization: a bearer token is required',
        'request query page: must be an integer in decimal digits',
        'request path id: must match format "uuid"',
        'request header Idempotency-Key: must NOT have more than 8 characters',
        'request body amount: must be integer',
        'request body colour: is not in the schema (additionalProperties: false)',
        'request body constructor: is not in the schema (additionalProperties: false)',
        'request body status: is required but missing',
      ].sort(),
    );
  });

  it('names a number that is no integer once: int64 is a width for generators, not a second rule', () => {
    const { diagnostics } = spec.checkRequest(update, {
      params: { id: ID },
      query: {},
      headers: AUTH,
      body: { amount: 1.5, status: 'pending' },
    });
    expect(brief(diagnostics)).toEqual(['request body amount: must be integer']);
  });

  it('reads an answer body as the check reads it: JSON parsed, other text as it is, nothing when empty', () => {
    expect(answerBodyOf('application/json; charset=utf-8', '{"amount":1}')).toEqual({ amount: 1 });
    expect(answerBodyOf('application/problem+json', '{"title":"x"}')).toEqual({ title: 'x' });
    expect(answerBodyOf('application/json', '{"amount":')).toBe('{"amount":');
    expect(answerBodyOf('text/csv; charset=utf-8', 'a,b\n')).toBe('a,b\n');
    expect(answerBodyOf('application/json', '')).toBeUndefined();
  });

  it('reports the branch a tagged oneOf value chose, not every branch', () => {
    const { diagnostics } = spec.checkRequest(outcome, { params: {}, query: {}, headers: AUTH, body: { status: 'processed' } });
    expect(brief(diagnostics)).toEqual(['request body utr: is required but missing']);
  });
});

describe('checkResponse', () => {
  const answer = (status: number, body: unknown, contentType = 'application/json', headers = ['x-request-id']) =>
    spec.checkResponse(update, { status, contentType, headers, body });

  it('passes a documented answer and says which status key it matched', () => {
    expect(answer(200, { amount: 5, status: 'processed', utr: null })).toEqual({ statusKey: '200', diagnostics: [] });
    expect(answer(409, { detail: 'no' })).toEqual({ statusKey: '4XX', diagnostics: [] });
    expect(answer(204, undefined, '')).toEqual({ statusKey: '204', diagnostics: [] });
  });

  it('names what an answer breaks: its status, a documented header, its content type, its body', () => {
    expect(brief(answer(500, {}).diagnostics)).toEqual([
      'response status : status 500 is not documented for updatePayout (documented: 200, 204, 4XX)',
    ]);
    expect(brief(answer(200, { amount: 5, status: 'processed' }, 'application/json', []).diagnostics)).toEqual([
      'response header x-request-id: is documented but missing',
    ]);
    expect(brief(answer(200, '<html>', 'text/html').diagnostics)).toEqual([
      'response content-type : content type "text/html" is not documented for 200 (documented: application/json)',
    ]);
    expect(brief(answer(200, '{"amount":', 'application/json; charset=utf-8').diagnostics)).toEqual([
      'response body : is not valid JSON: "{\\"amount\\":"',
    ]);
    expect(brief(answer(200, { amount: 0, status: 'paid', utr: 'too long' }).diagnostics)).toEqual([
      'response body amount: must be >= 1',
      'response body status: must be one of "pending", "processed"',
      'response body utr: must NOT have more than 4 characters',
    ]);
  });
});

describe('errorBodyOf', () => {
  it("words a request's diagnostics as the Error model does, keyed by any field name", () => {
    const { diagnostics } = spec.checkRequest(update, {
      params: { id: ID },
      query: {},
      headers: AUTH,
      body: JSON.parse('{"amount": "x", "status": "paid", "__proto__": 1}'),
    });
    const body = errorBodyOf(diagnostics);
    expect(JSON.parse(JSON.stringify(body))).toEqual({
      amount: ['A valid integer is required.'],
      status: ['"paid" is not a valid choice. Choices: pending, processed.'],
      ['__proto__']: ['Unknown field. Allowed fields: amount, status, utr.'],
    });
  });
});

describe('another model of the spec', () => {
  // Its checker takes the validators another checker compiled from the same schemas (validator-cache.ts).
  const withAmountMinimum = (minimum: number) => {
    const document = structuredClone(spec.document) as { components: { schemas: { Payout: { properties: { amount: object } } } } };
    document.components.schemas.Payout.properties.amount = { type: 'integer', format: 'int64', minimum };
    return new SpecModel(document);
  };
  const request = (model: SpecModel, amount: number, page: string) =>
    brief(
      model.checkRequest(model.operation('updatePayout'), {
        params: { id: ID },
        query: { page },
        headers: AUTH,
        body: { amount, status: 'pending' },
      }).diagnostics,
    );
  const answer = (model: SpecModel, amount: number) =>
    brief(
      model.checkResponse(model.operation('updatePayout'), {
        status: 200,
        contentType: 'application/json',
        headers: ['x-request-id'],
        body: { amount, status: 'pending', utr: null },
      }).diagnostics,
    );

  it('judges as the first where its schemas are the same, and by its own schema where one changed', () => {
    const same = withAmountMinimum(1);
    const changed = withAmountMinimum(10);
    for (const model of [spec, same, changed]) expect(request(model, 10, '2'), 'a request every model takes').toEqual([]);
    expect(request(spec, 5, '0')).toEqual([expect.stringMatching(/^request query page: /)]);
    expect(request(same, 5, '0')).toEqual(request(spec, 5, '0'));
    expect(request(changed, 5, '2')).toEqual([expect.stringMatching(/^request body amount: /)]);
    expect(answer(spec, 5)).toEqual([]);
    expect(answer(same, 5)).toEqual([]);
    expect(answer(changed, 5)).toEqual([expect.stringMatching(/^response body amount: /)]);
    expect(request(spec, 5, '2'), 'the first model keeps its own answer').toEqual([]);
  });
});
