// The rules, each on one edit of the released bundle: who a change breaks depends on the side of
// the exchange, callbacks count for the callback sender, and the example consumers have the last
// word when the rules are wrong.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { releasePath, releases } from '@payouts/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { diffSpecs } from './diff.js';
import { type Change, EXTENSIBLE_ENUM, rateChanges } from './rate.js';
import { renderText } from './render.js';

type Json = Record<string, any>;

const scratch = await mkdtemp(join(tmpdir(), 'payouts-diff-test-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

// The newest release: the example consumers compile against it.
const BASE = releasePath(releases().at(-1)!);
const released = JSON.parse(await readFile(BASE, 'utf8')) as Json;
let edits = 0;

/** The released bundle with one edit, written where the diff can read it. */
async function edited(edit: (spec: Json) => void): Promise<string> {
  const copy = structuredClone(released);
  edit(copy);
  const file = join(scratch, `head-${++edits}.json`);
  await writeFile(file, JSON.stringify(copy));
  return file;
}

const markExtensible = (spec: Json) => {
  spec.components.schemas.PayoutMethod[EXTENSIBLE_ENUM] = true;
};

const summary = (changes: Change[]) => changes.map((c) => `${c.operationId} ${c.impact} ${c.audiences.join('+') || '-'}`);
const CALLER_OPERATIONS_ANSWERING_A_PAYOUT = ['createPayout', 'listPayouts', 'listUnmatchedPayouts', 'processPayout', 'retryFailedPayout'];

describe('rated by who it breaks', { timeout: 60_000 }, () => {
  it('finds nothing between a release and itself', async () => {
    expect(await rateChanges(BASE, BASE)).toEqual({ bump: 'none', changes: [] });
  });

  it('a response field removed is major for every operation answering it: callers, and the callback sender', async () => {
    const head = await edited((spec) => {
      const payout = spec.components.schemas.Payout;
      delete payout.properties.utr;
      payout.required = payout.required.filter((name: string) => name !== 'utr');
    });
    const result = await rateChanges(BASE, head);
    expect(result.bump).toBe('major');
    const removed = result.changes.filter((c) => c.location === '#/components/schemas/Payout/properties/utr');
    expect(summary(removed).sort()).toEqual(
      [...CALLER_OPERATIONS_ANSWERING_A_PAYOUT.map((op) => `${op} major callers`), 'receivePayoutCallback major callback-senders'].sort(),
    );
    expect(removed[0]!.message).toBe('Field `utr` of `Payout` was removed (response).');
  });

  it('an optional request field added is minor, for providers; made required it is major, for callers', async () => {
    const optional = await rateChanges(
      BASE,
      await edited((spec) => {
        spec.components.schemas.CreatePayoutRequest.properties.purpose = { type: 'string', example: 'Disbursement' };
      }),
    );
    expect(optional.bump).toBe('minor');
    expect(summary(optional.changes)).toEqual(['createPayout minor providers']);
    expect(optional.changes[0]!.message).toBe('Field `purpose` of `CreatePayoutRequest` was added (request).');

    const required = await rateChanges(
      BASE,
      await edited((spec) => {
        spec.components.schemas.CreatePayoutRequest.required.push('topup');
      }),
    );
    expect(required.bump).toBe('major');
    expect(summary(required.changes)).toEqual(['createPayout major callers']);
  });

  it('a new enum value widens requests (minor, providers) and breaks exhaustive answers (major, callers) unless the enum may grow', async () => {
    const addUpi = (spec: Json) => spec.components.schemas.PayoutMethod.enum.push('upi');
    const closed = await rateChanges(BASE, await edited(addUpi));
    const at = (changes: Change[], operationId: string) =>
      changes
        .filter((c) => c.operationId === operationId)
        .map((c) => `${c.impact} ${c.audiences.join('+') || '-'} ${c.message.match(/\((\w+)\)/)?.[1]}`);
    // createPayout takes the method in its body and answers it; listPayouts filters by it and answers it.
    expect(at(closed.changes, 'createPayout').sort()).toEqual(['major callers response', 'minor providers request']);
    expect(at(closed.changes, 'listPayouts').sort()).toEqual(['major callers response', 'minor providers request']);
    expect(at(closed.changes, 'retryFailedPayout')).toEqual(['major callers response']);

    // Marking an enum extensible is itself major for callers: they need a branch for values they do not know.
    const marked = await edited(markExtensible);
    const marking = await rateChanges(BASE, marked);
    expect(marking.bump).toBe('major');
    expect(at(marking.changes, 'retryFailedPayout')).toEqual(['major callers response']);
    // Once it is marked, a new value is minor: nobody has to change.
    const open = await rateChanges(
      marked,
      await edited((spec) => {
        markExtensible(spec);
        addUpi(spec);
      }),
    );
    expect(open.bump).toBe('minor');
    expect(at(open.changes, 'retryFailedPayout')).toEqual(['minor - response']);
  });

  it('a change to the callback body is for the callback sender', async () => {
    const result = await rateChanges(
      BASE,
      await edited((spec) => {
        spec.components.schemas.PayoutCallbackFailed.required.push('failed_at');
        spec.components.schemas.PayoutCallbackFailed.properties.failed_at = { type: 'integer', example: 1693161000 };
      }),
    );
    expect(result.bump).toBe('major');
    expect(summary(result.changes)).toContain('receivePayoutCallback major callback-senders');
    expect(result.changes.every((c) => c.operationId === 'receivePayoutCallback')).toBe(true);
  });

  it('an operation removed is major for callers; a new one minor for providers; words and examples are patch for nobody', async () => {
    const removed = await rateChanges(
      BASE,
      await edited((spec) => {
        delete spec.paths['/v1/lms/payouts/unmatched/'];
      }),
    );
    expect(summary(removed.changes)).toEqual(['listUnmatchedPayouts major callers']);
    expect(removed.changes[0]!.message).toMatch(/Path `\/v1\/lms\/payouts\/unmatched\/` was removed/);

    const added = await rateChanges(
      BASE,
      await edited((spec) => {
        spec.paths['/v1/lms/payouts/summary/'] = {
          get: { ...spec.paths['/v1/lms/payouts/unmatched/'].get, operationId: 'summarisePayouts' },
        };
      }),
    );
    expect(summary(added.changes)).toEqual(['summarisePayouts minor providers']);

    const words = await rateChanges(
      BASE,
      await edited((spec) => {
        spec.paths['/v1/lms/payouts/{id}/retry/'].put.description += ' Reworded.';
        spec.components.schemas.Payout.example.amount = 99;
        spec.info.version = '1.0.1';
      }),
    );
    expect(words.bump).toBe('patch');
    expect(words.changes.every((c) => c.impact === 'patch' && c.audiences.length === 0)).toBe(true);
    expect(words.changes.map((c) => c.location)).not.toContain('#/info/version');
  });
});

describe('what callers read names things by their names', { timeout: 60_000 }, () => {
  // One head with an edit for every rule, so Redocly runs once; each line is what the diff and the
  // changelog print for that edit, under its operation.
  const LIST = '/v1/lms/payouts/';
  const EXPECTED: [operationId: string, impact: string, message: string][] = [
    ['listPayouts', 'minor', 'Query parameter `utr` was added (request).'],
    ['listPayouts', 'major', 'Query parameter `search` was removed (request).'],
    ['listPayouts', 'major', 'Query parameter `loan` became required (request).'],
    ['createPayout', 'major', 'Required header `X-Trace` was added (request).'],
    ['createPayout', 'major', 'Field `topup` of `CreatePayoutRequest` became required (request).'],
    ['createPayout', 'minor', 'Field `purpose` of `CreatePayoutRequest` was added (request).'],
    ['listPayouts', 'major', 'Field `utr` of `Payout` was removed (response).'],
    ['listPayouts', 'major', 'The type of field `index` of `Payout` changed from `integer` to `string` (response).'],
    ['listPayouts', 'patch', 'The maxLength of field `failed_remark` of `Payout` changed from `500` to `200` (response).'],
    [
      'listPayouts',
      'major',
      '`PayoutType` gained the value `advance` (response). An exhaustive handling of the answer meets a value it does not know.',
    ],
    ['createPayout', 'major', '`PayoutMethod` lost the value `imps` (request).'],
    ['createPayout', 'minor', 'Response `422` was added (response). Callers may now receive it.'],
    ['processPayout', 'minor', 'Response `409` was removed (response). Providers must stop answering it.'],
    ['exportPayoutsForBank', 'major', 'Header `Content-Disposition` of response `200` was removed (response).'],
    ['receivePayoutCallback', 'patch', 'Example `failed` of the request body changed (request). The mock and the docs page serve it.'],
    [
      'listPayouts',
      'patch',
      'The example of `PayoutStatus` changed from `processed` to `failed` (response). The mock and the docs page serve it.',
    ],
    ['listPayouts', 'patch', 'The description of field `loan` of `Payout` changed (response).'],
    ['listUnmatchedPayouts', 'major', 'Path `/v1/lms/payouts/unmatched/` was removed.'],
  ];

  it('every rule says what changed by the name and place of the parameter, field, enum value, status, header or example', async () => {
    const head = await edited((spec) => {
      const list = spec.paths[LIST].get;
      list.parameters.push({ name: 'utr', in: 'query', description: 'By utr.', schema: { type: 'string' }, example: '123' });
      list.parameters = list.parameters.filter((p: Json) => p.$ref !== '#/components/parameters/Search');
      spec.components.parameters.Loan.required = true;
      spec.paths[LIST].post.parameters.push({
        name: 'X-Trace',
        in: 'header',
        required: true,
        description: 'A trace id.',
        schema: { type: 'string' },
        example: 't-1',
      });
      const create = spec.components.schemas.CreatePayoutRequest;
      create.required.push('topup');
      create.properties.purpose = { type: 'string', example: 'Disbursement' };
      const payout = spec.components.schemas.Payout;
      delete payout.properties.utr;
      payout.required = payout.required.filter((name: string) => name !== 'utr');
      payout.properties.index.type = 'string';
      payout.properties.failed_remark.maxLength = 200;
      payout.properties.loan.description = 'Reworded.';
      spec.components.schemas.PayoutType.enum.push('advance');
      spec.components.schemas.PayoutMethod.enum = spec.components.schemas.PayoutMethod.enum.filter((m: string) => m !== 'imps');
      spec.paths[LIST].post.responses['422'] = spec.paths[LIST].post.responses['400'];
      delete spec.paths['/v1/lms/payouts/{id}/mark_processed/'].put.responses['409'];
      delete spec.paths['/v1/lms/payouts/export/'].put.responses['200'].headers['Content-Disposition'];
      spec.paths['/v1/lms/payouts/callback/'].post.requestBody.content['application/json'].examples.failed.value.failed_remark =
        'Account frozen';
      spec.components.schemas.PayoutStatus.example = 'failed';
      delete spec.paths['/v1/lms/payouts/unmatched/'];
    });
    const { changes } = await rateChanges(BASE, head);
    const printed = changes.map((c) => [c.operationId, c.impact, c.message]);
    const missing = EXPECTED.filter((line) => !printed.some((p) => JSON.stringify(p) === JSON.stringify(line)));
    expect(missing, printed.map((p) => p.join(' | ')).join('\n')).toEqual([]);
    // No message names a thing by an index (a parameter's place in its list) or a pointer.
    for (const change of changes) expect(change.message).not.toMatch(/#\/|`\d{1,2}`/);
  });
});

describe('the example consumers', { timeout: 120_000 }, () => {
  it('compile against the release: no change, no break', async () => {
    expect(await diffSpecs({ baseFile: BASE, headFile: BASE })).toEqual({ bump: 'none', changes: [] });
  });

  it('overrule the rules when a change they rate minor breaks a consumer, and say they disagree', async () => {
    // Marked extensible, a new value is minor by the rules; the example caller switches over methods exhaustively anyway.
    const marked = await edited(markExtensible);
    const head = await edited((spec) => {
      markExtensible(spec);
      spec.components.schemas.PayoutMethod.enum.push('upi');
    });
    const result = await diffSpecs({ baseFile: marked, headFile: head });
    expect(result.bump).toBe('major');
    const broken = result.changes.filter((c) => c.location.startsWith('consumers/'));
    expect(broken).toEqual([
      {
        operationId: null,
        location: expect.stringMatching(/^consumers\/caller\.ts:\d+$/),
        impact: 'major',
        audiences: ['callers'],
        message:
          "The example consumer no longer compiles (in railOf): Type '\"upi\"' is not assignable to type 'never'. The rules rate the whole diff minor: they disagree with the consumer.",
      },
    ]);
  });

  it('include the React screen: a field its hooks show that is gone breaks it where it reads it', async () => {
    const head = await edited((spec) => {
      const payout = spec.components.schemas.Payout;
      delete payout.properties.utr;
      payout.required = payout.required.filter((name: string) => name !== 'utr');
    });
    const broken = (await diffSpecs({ baseFile: BASE, headFile: head })).changes.filter((c) => c.location.startsWith('consumers/'));
    expect(broken.map((c) => c.location.replace(/:\d+$/, ''))).toEqual(['consumers/caller.ts', 'consumers/desk.tsx']);
    expect(broken[1]!.message).toBe("The example consumer no longer compiles (in Row): Property 'utr' does not exist on type '{...}'.");
  });

  it('name the operation whose call site broke, for the callback sender too', async () => {
    const head = await edited((spec) => {
      const processed = spec.components.schemas.PayoutCallbackSucceeded;
      processed.properties.bank_reference = { type: 'string', example: 'HDFC0001' };
      processed.required.push('bank_reference');
    });
    const broken = (await diffSpecs({ baseFile: BASE, headFile: head })).changes.filter((c) => c.location.startsWith('consumers/'));
    expect(broken.map((c) => [c.operationId, c.location, c.audiences])).toEqual([
      ['receivePayoutCallback', expect.stringMatching(/^consumers\/callback-sender\.ts:\d+$/), ['callback-senders']],
    ]);
    expect(broken[0]!.message).toContain("Property 'bank_reference' is missing");
  });
});

describe('quiet about refactors: what changes nothing on the wire breaks nobody', { timeout: 60_000 }, () => {
  const offTheWire = (changes: Change[]) => changes.every((c) => c.impact === 'patch' && c.audiences.length === 0);

  it('a schema renamed, every $ref following it, is patch and says nothing changes on the wire', async () => {
    const head = await edited((spec) => {
      const schemas = spec.components.schemas;
      schemas.Beneficiary = schemas.CreditBank;
      delete schemas.CreditBank;
      const json = JSON.stringify(spec).replaceAll('"#/components/schemas/CreditBank"', '"#/components/schemas/Beneficiary"');
      Object.assign(spec, JSON.parse(json));
    });
    const result = await rateChanges(BASE, head);
    expect(result.changes.length).toBeGreaterThan(0);
    expect(offTheWire(result.changes), JSON.stringify(result.changes, null, 1)).toBe(true);
    expect(result.bump).toBe('patch');
  });

  it('a parameter component renamed is one patch change naming both names', async () => {
    const head = await edited((spec) => {
      const parameters = spec.components.parameters;
      parameters.LoanFilter = parameters.Loan;
      delete parameters.Loan;
      Object.assign(
        spec,
        JSON.parse(JSON.stringify(spec).replaceAll('"#/components/parameters/Loan"', '"#/components/parameters/LoanFilter"')),
      );
    });
    const result = await rateChanges(BASE, head);
    expect(result.bump).toBe('patch');
    expect([...new Set(result.changes.map((c) => c.message))]).toEqual([
      'The parameter component `Loan` was renamed `LoanFilter` (request). Nothing changes on the wire.',
    ]);
    expect(result.changes.map((c) => c.operationId).sort()).toEqual(['listPayouts', 'listUnmatchedPayouts']);
  });

  it('format: int64 on a bounded integer, and an enum beside an equal const, change nothing on the wire', async () => {
    const head = await edited((spec) => {
      spec.components.schemas.CreatePayoutRequest.properties.amount.format = 'int64';
      spec.components.schemas.PayoutCallbackFailed.properties.status.enum = ['failed'];
    });
    const result = await rateChanges(BASE, head);
    expect(offTheWire(result.changes)).toBe(true);
    expect(result.changes.map((c) => c.message)).toEqual([
      'The format of field `amount` of `CreatePayoutRequest` changed (request). Nothing changes on the wire.',
      'Field `status` of `PayoutCallbackFailed` now lists its value `failed` as an enum (request). Nothing changes on the wire.',
    ]);
  });

  it('still rates what does change on the wire: the same edit with a bound that differs is major', async () => {
    const head = await edited((spec) => {
      spec.components.schemas.CreatePayoutRequest.properties.amount.format = 'int32';
      spec.components.schemas.PayoutCallbackFailed.properties.status.enum = ['failed', 'bounced'];
    });
    const result = await rateChanges(BASE, head);
    expect(result.changes.filter((c) => c.impact === 'major').map((c) => c.operationId)).toEqual(['createPayout', 'receivePayoutCallback']);
  });
});

describe('the text', { timeout: 60_000 }, () => {
  it('shows a change met in several operations once, naming them all', async () => {
    const head = await edited((spec) => {
      spec.components.schemas.Payout.properties.utr.description = 'The bank’s transaction reference.';
    });
    const text = renderText(await rateChanges(BASE, head), 'base', 'head');
    expect(text).toBe(
      [
        'spec:diff base -> head: patch bump',
        '',
        'patch  breaks nobody  createPayout, listPayouts, listUnmatchedPayouts, processPayout, receivePayoutCallback, retryFailedPayout',
        '       The description of field `utr` of `Payout` changed (response).',
        '       at #/components/schemas/Payout/properties/utr/description',
        '',
      ].join('\n'),
    );
  });
});
