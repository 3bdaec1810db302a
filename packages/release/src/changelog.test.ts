import { describe, expect, it } from 'vitest';
import { changelogEntry } from './changelog.js';

describe('the changelog entry', () => {
  it('names the registered consumers each breaking change breaks, once per change', () => {
    const utr = (operationId: string, consumers: string[]) => ({
      operationId,
      location: '#/components/schemas/Payout/properties/utr',
      impact: 'major' as const,
      audiences: ['callers' as const],
      message: 'Field `utr` of `Payout` was removed (response).',
      consumers,
    });
    const entry = changelogEntry('2.0.0', '2026-12-05', 'v1.1.0', {
      bump: 'major',
      changes: [utr('listPayouts', ['loan-service']), utr('createPayout', ['collections-app', 'loan-service'])],
      brokenConsumers: [],
    });
    expect(entry).toContain(
      '- `listPayouts`, `createPayout`: Field `utr` of `Payout` was removed (response). Breaks the registered consumers loan-service, collections-app. **What to do**: callers: stop reading it.',
    );
  });
});
