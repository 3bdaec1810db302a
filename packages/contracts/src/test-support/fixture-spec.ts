// A small OpenAPI 3.1 document with one field of each kind a matching rule is about, for the rule
// tests: they need fields the Payouts spec does not have (a date string, a bounded list).
export const FIXTURE_SPEC = {
  openapi: '3.1.0',
  info: { title: 'Rules fixture', version: '3.2.1' },
  components: {
    securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Thing: {
        type: 'object',
        additionalProperties: true,
        required: ['id'],
        properties: {
          id: { type: 'string', pattern: '^th_[a-z0-9]+$' },
          name: { type: 'string' },
          count: { type: 'integer', minimum: 0 },
          price: { type: 'number' },
          flag: { type: 'boolean' },
          note: { type: ['string', 'null'] },
          kind: { type: 'string', enum: ['small', 'large'] },
          due: { type: 'string', format: 'date' },
          at: { type: 'string', format: 'date-time' },
          tags: { type: 'array', minItems: 2, maxItems: 3, items: { type: 'string' } },
          owner: { type: 'object', properties: { email: { type: 'string', format: 'email' } } },
          labels: {
            type: 'object',
            description: 'A map: any key, each a short text.',
            additionalProperties: { type: 'string', maxLength: 8 },
          },
        },
      },
    },
  },
  security: [{ bearerAuth: [] }],
  paths: {
    '/things/{id}': {
      get: {
        operationId: 'getThing',
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1 } },
          { name: 'X-Trace', in: 'header', schema: { type: 'string' } },
        ],
        responses: {
          '200': {
            description: 'the thing',
            headers: { 'X-Rate-Left': { schema: { type: 'integer' } } },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
          },
          '404': { description: 'no such thing' },
        },
      },
    },
    '/things': {
      post: {
        operationId: 'createThing',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['name'],
                properties: { name: { type: 'string' }, count: { type: 'integer' } },
              },
            },
          },
        },
        responses: { '201': { description: 'made', content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } } },
      },
    },
  },
} as const;
