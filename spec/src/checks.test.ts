import { readFileSync } from 'node:fs';
import { formatPointer as pointer } from '@payouts/model';
import { describe, expect, it } from 'vitest';
import { checkBundle, sourceFileOf } from './checks.mjs';
import { releases } from './index.mjs';

const bundled = readFileSync(new URL('../dist/openapi.json', import.meta.url), 'utf8');
const freshBundle = () => JSON.parse(bundled);
const messages = (bundle: unknown) => checkBundle(bundle).map(({ at, message }) => `${pointer(at)}: ${message}`);

describe('checkBundle', () => {
  it('finds nothing wrong with the real spec', () => {
    expect(messages(freshBundle())).toEqual([]);
  });

  it('rejects a component schema example that breaks its schema', () => {
    const bundle = freshBundle();
    bundle.components.schemas.Payout.example.status = 'paid';
    expect(messages(bundle)).toEqual([
      '#/components/schemas/Payout/example: example does not match its schema: /status must be equal to one of the allowed values',
    ]);
  });

  it('rejects a named example that breaks the schema of the response using it', () => {
    const bundle = freshBundle();
    bundle.components.examples.FailedPayout.value.utr = 42;
    expect(messages(bundle)).toContain(
      '#/paths/~1v1~1lms~1payouts~1callback~1/post/responses/200/content/application~1json/examples/failed: example does not match its schema: /utr must be string,null',
    );
  });

  it('rejects a parameter example outside its bounds', () => {
    const bundle = freshBundle();
    bundle.components.parameters.PageSize.example = 500;
    expect(messages(bundle)).toEqual([
      '#/components/parameters/PageSize/example: example does not match its schema: (root) must be <= 100',
    ]);
  });

  it('requires a bound on every string a caller sends, naming it once however many operations send it', () => {
    const bundle = freshBundle();
    delete bundle.components.schemas.PayoutCallbackFailed.properties.failed_remark.maxLength;
    bundle.components.parameters.Search.schema = { type: 'string' };
    expect(messages(bundle)).toEqual([
      '#/components/parameters/Search/schema: listPayouts: query parameter search is a string a caller sends with no maxLength, enum or short format',
      '#/components/schemas/PayoutCallbackFailed/properties/failed_remark: receivePayoutCallback: request body.failed_remark is a string a caller sends with no maxLength, enum or short format',
    ]);
  });

  it('names extra properties in a closed object', () => {
    const bundle = freshBundle();
    bundle.components.schemas.CreditBank.example.swift = 'ICICINBBXXX';
    expect(messages(bundle)).toEqual([
      '#/components/schemas/CreditBank/example: example does not match its schema: (root) must NOT have additional properties (swift)',
    ]);
  });

  it('requires an example on every component schema', () => {
    const bundle = freshBundle();
    delete bundle.components.schemas.DebitBank.example;
    expect(messages(bundle)).toEqual(['#/components/schemas/DebitBank: schema DebitBank has no example']);
  });

  it('requires each operation of the newest release, with its operationId', () => {
    const bundle = freshBundle();
    delete bundle.paths['/v1/lms/payouts/export/'];
    bundle.paths['/v1/lms/payouts/'].post.operationId = 'newPayout';
    const newest = releases().at(-1);
    expect(messages(bundle)).toEqual([
      `#/paths/~1v1~1lms~1payouts~1/post/operationId: operationId is "newPayout", expected "createPayout" (released in ${newest})`,
      `#/paths/~1v1~1lms~1payouts~1export~1: missing operation PUT /v1/lms/payouts/export/ (exportPayoutsForBank), released in ${newest}`,
    ]);
  });
});

describe('sourceFileOf', () => {
  const pathFiles = { '/v1/lms/payouts/': 'paths/payouts.yaml' };
  it.each([
    [['paths', '/v1/lms/payouts/', 'get'], 'openapi/paths/payouts.yaml'],
    [['components', 'schemas', 'Payout', 'example'], 'openapi/components/schemas/Payout.yaml'],
    [['components', 'securitySchemes', 'bearerAuth'], 'openapi/openapi.yaml'],
    [['paths', '/v1/lms/payouts/unmatched/'], 'openapi/openapi.yaml'],
  ])('maps %j to %s', (at, file) => {
    expect(sourceFileOf(at, pathFiles)).toBe(file);
  });
});
