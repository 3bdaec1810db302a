// The invalid inputs are derived from the real bundled spec, not written per operation.

import { loadSpec } from '@payouts/spec';
import { describe, expect, it } from 'vitest';
import { invalidCases } from './negative.js';

const spec = loadSpec();
const casesOf = (operationId: string, ids: Record<string, string> = {}) =>
  invalidCases(spec, spec.operation(operationId), ids).map((c) => `${c.field}: ${c.fault}`);

describe('invalid inputs derived from the schemas', () => {
  it('removes each required body field, gives each a wrong type, and tries an unknown value for each enum', () => {
    const cases = casesOf('createPayout');
    for (const field of ['loan', 'account', 'type', 'amount', 'method', 'payout_to', 'credit_bank_id']) {
      expect(cases).toContain(`body.${field}: required field removed`);
    }
    expect(cases).toContain('body.amount: wrong type (string where integer is expected)');
    expect(cases).toContain('body.loan: wrong type (number where string is expected)');
    expect(cases).toContain('body.type: unknown enum value "not-a-type"');
    expect(cases).toContain('body.payout_to: unknown enum value "not-a-payout-to"');
  });

  it('uses each oneOf branch the examples show (the success, failure and reversal callbacks), each shared field once', () => {
    const cases = casesOf('receivePayoutCallback');
    expect(cases).toContain('body.utr: required field removed');
    expect(cases).toContain('body.failed_remark: required field removed');
    expect(cases).toContain('body.remark: required field removed');
    expect(cases).toContain('body.reversed_at: above maximum 10000000000');
    expect(cases.filter((c) => c === 'body.status: unknown enum value "not-a-status"')).toHaveLength(1);
  });

  it('breaks the UUID in the path and keeps the given id where the fault is elsewhere', () => {
    const cases = invalidCases(spec, spec.operation('processPayout'), { id: 'c41d6e2a-8b3f-4d5e-9a7c-1f2e3d4c5b6a' });
    expect(cases.find((c) => c.field === 'path.id')?.pathParams).toEqual({ id: 'not-a-uuid' });
    expect(cases.find((c) => c.field === 'body.utr')?.pathParams).toEqual({ id: 'c41d6e2a-8b3f-4d5e-9a7c-1f2e3d4c5b6a' });
    expect(casesOf('retryFailedPayout')).toEqual(['path.id: malformed UUID']);
  });

  it('steps just outside integer query bounds and tries unknown enum values in the query', () => {
    const cases = casesOf('listPayouts');
    expect(cases).toEqual(
      expect.arrayContaining([
        'query.page: below minimum 1',
        'query.page_size: below minimum 1',
        'query.page_size: above maximum 100',
        'query.status: unknown enum value "not-a-status"',
        'query.ordering: unknown enum value "not-a-ordering"',
      ]),
    );
    const pageSize = invalidCases(spec, spec.operation('listPayouts'), {}).find((c) => c.fault === 'above maximum 100');
    expect(pageSize?.query).toEqual({ page_size: '101' });
  });

  it('sends numbers JSON or a bank file cannot carry: past the bounds, 1e400, and non-decimal query integers', () => {
    expect(casesOf('createPayout')).toEqual(
      expect.arrayContaining([
        'body.amount: above maximum 9007199254740991',
        'body.amount: below minimum 1',
        'body.amount: a number JSON parses to Infinity (1e400)',
      ]),
    );
    expect(casesOf('processPayout')).toEqual(
      expect.arrayContaining(['body.processed_at: above maximum 10000000000', 'body.processed_at: below minimum 0']),
    );
    expect(casesOf('listPayouts')).toEqual(
      expect.arrayContaining(['query.page: not decimal digits (0x10)', 'query.created_at__gte: not decimal digits (0x10)']),
    );
    const infinite = invalidCases(spec, spec.operation('createPayout'), {}).find((c) => c.fault.includes('1e400'));
    expect(infinite?.rawBody).toMatch(/"amount":1e400[,}]/);
    expect(JSON.parse(infinite!.rawBody!).amount).toBe(Number.POSITIVE_INFINITY);
  });
});
