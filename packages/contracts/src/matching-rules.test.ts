// Each matching rule a Pact file can carry, judged against a field of the fixture spec: what the
// checker honours, and what it reports as not checked. The pacts are v3 JSON as pact-js writes it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpecModel } from '@payouts/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseContract } from './pact.js';
import { FIXTURE_SPEC } from './test-support/fixture-spec.js';
import { judgeContract } from './verdict.js';

let dir: string;
let model: SpecModel;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'payouts-rules-'));
  await writeFile(join(dir, 'spec.json'), JSON.stringify(FIXTURE_SPEC));
  model = SpecModel.load(join(dir, 'spec.json'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const AUTH = { Authorization: 'Bearer t' };

/** The problems of one GET /things/th_1 interaction expecting `body` with these body rules. */
function answerProblems(body: unknown, rules: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  const pact = {
    consumer: { name: 'rule-tester' },
    provider: { name: 'fixture' },
    metadata: { pactSpecification: { version: '3.0.0' } },
    interactions: [
      {
        description: 'reads a thing',
        request: { method: 'GET', path: '/things/th_1', headers: AUTH, ...extra },
        response: { status: 200, headers: { 'Content-Type': 'application/json' }, body, matchingRules: { body: rules } },
      },
    ],
  };
  return judgeContract(model, parseContract(pact, 'rules.json')).interactions[0]!.problems;
}

const rule = (...matchers: Record<string, unknown>[]) => ({ matchers, combine: 'AND' });

describe('matching rules in the expected answer', () => {
  it('type: the value may be any of its type, and the spec must give that type', () => {
    expect(answerProblems({ id: 'th_1', name: 'x' }, { '$.name': rule({ match: 'type' }) })).toEqual([]);
    expect(answerProblems({ id: 'th_1', count: 'many' }, { '$.count': rule({ match: 'type' }) })).toEqual([
      { location: 'response.body.count', message: 'is expected to be a string, but the spec says it is an integer' },
    ]);
  });

  it('type cascades: a rule on the root covers every field below it', () => {
    expect(answerProblems({ id: 'th_1', owner: { email: 'a@b.co', phone: '1' } }, { $: rule({ match: 'type' }) })).toEqual([
      { location: 'response.body.owner.phone', message: "is not declared by the spec's schema here, so the provider does not promise it" },
    ]);
  });

  it('a field an open object lets through is not promised; the keys of a map the schema describes are', () => {
    expect(answerProblems({ id: 'th_1', colour: 'red' }, { $: rule({ match: 'type' }) })).toEqual([
      { location: 'response.body.colour', message: "is not declared by the spec's schema here, so the provider does not promise it" },
    ]);
    expect(answerProblems({ id: 'th_1', labels: { team: 'ops' } })).toEqual([]);
    expect(answerProblems({ id: 'th_1', labels: { team: 'operations' } })).toEqual([
      {
        location: 'response.body.labels.team',
        message: '"operations" is not a value the spec allows here: it must NOT have more than 8 characters',
      },
    ]);
  });

  it('integer, decimal and number: the kind of number the spec gives', () => {
    expect(
      answerProblems({ id: 'th_1', count: 2, price: 3 }, { '$.count': rule({ match: 'integer' }), '$.price': rule({ match: 'number' }) }),
    ).toEqual([]);
    expect(answerProblems({ id: 'th_1', price: 2.5 }, { '$.price': rule({ match: 'decimal' }) })).toEqual([]);
    expect(answerProblems({ id: 'th_1', count: 2.5 }, { '$.count': rule({ match: 'decimal' }) })).toEqual([
      { location: 'response.body.count', message: 'is expected to be a decimal number, but the spec says it is an integer' },
    ]);
  });

  it('regex: its example must match it and be a value the spec allows', () => {
    expect(answerProblems({ id: 'th_9' }, { '$.id': rule({ match: 'regex', regex: '^th_\\d$' }) })).toEqual([]);
    expect(answerProblems({ id: 'th_x' }, { '$.id': rule({ match: 'regex', regex: '^th_\\d$' }) })).toEqual([
      { location: 'response.body.id', message: 'its example "th_x" does not match its own rule\'s regex /^th_\\d$/' },
    ]);
    expect(answerProblems({ id: 'TH-1' }, { '$.id': rule({ match: 'regex', regex: '^TH-' }) })).toEqual([
      { location: 'response.body.id', message: '"TH-1" is not a value the spec allows here: it must match pattern "^th_[a-z0-9]+$"' },
    ]);
  });

  it('include: its example must hold the text', () => {
    expect(answerProblems({ id: 'th_1', name: 'blue box' }, { '$.name': rule({ match: 'include', value: 'box' }) })).toEqual([]);
    expect(answerProblems({ id: 'th_1', name: 'blue' }, { '$.name': rule({ match: 'include', value: 'box' }) })).toEqual([
      { location: 'response.body.name', message: 'its example "blue" does not include "box", as its own rule says' },
    ]);
  });

  it('equality (and no rule): that very value must be one the spec allows', () => {
    expect(answerProblems({ id: 'th_1', kind: 'small' }, { '$.kind': rule({ match: 'equality' }) })).toEqual([]);
    expect(answerProblems({ id: 'th_1', kind: 'medium' }, { '$.kind': rule({ match: 'equality' }) })).toEqual([
      { location: 'response.body.kind', message: '"medium" is not a value the spec allows here (allowed: "small", "large")' },
    ]);
    expect(answerProblems({ id: 'th_1', kind: 'medium' })).toHaveLength(1);
  });

  it('null and boolean: the spec must allow them there', () => {
    expect(
      answerProblems({ id: 'th_1', note: null, flag: true }, { '$.note': rule({ match: 'null' }), '$.flag': rule({ match: 'boolean' }) }),
    ).toEqual([]);
    expect(answerProblems({ id: 'th_1', name: null }, { '$.name': rule({ match: 'null' }) })).toEqual([
      { location: 'response.body.name', message: 'is expected to be null, but the spec says it is a string' },
    ]);
    expect(answerProblems({ id: 'th_1', name: true }, { '$.name': rule({ match: 'boolean' }) })).toEqual([
      { location: 'response.body.name', message: 'is expected to be a boolean, but the spec says it is a string' },
    ]);
  });

  it('date and timestamp formats: a string the spec allows, in the format the spec gives', () => {
    expect(
      answerProblems(
        { id: 'th_1', due: '2026-12-05', at: '2026-12-05T10:00:00Z' },
        { '$.due': rule({ match: 'date', format: 'yyyy-MM-dd' }), '$.at': rule({ match: 'timestamp', format: "yyyy-MM-dd'T'HH:mm:ssX" }) },
      ),
    ).toEqual([]);
    expect(answerProblems({ id: 'th_1', due: '05/12/2026' }, { '$.due': rule({ match: 'date', format: 'dd/MM/yyyy' }) })).toEqual([
      { location: 'response.body.due', message: '"05/12/2026" is not a value the spec allows here: it must match format "date"' },
    ]);
    expect(answerProblems({ id: 'th_1', count: '2026-12-05' }, { '$.count': rule({ match: 'date', format: 'yyyy-MM-dd' }) })).toEqual([
      { location: 'response.body.count', message: 'is expected to be a string, but the spec says it is an integer' },
    ]);
  });

  it('min and max with eachLike: against the list bounds of the spec', () => {
    expect(answerProblems({ id: 'th_1', tags: ['a', 'b'] }, { '$.tags': rule({ match: 'type', min: 2 }) })).toEqual([]);
    expect(answerProblems({ id: 'th_1', tags: ['a'] }, { '$.tags': rule({ match: 'type', min: 4 }) })).toEqual([
      { location: 'response.body.tags', message: 'is expected to hold at least 4 items, but the spec allows at most 3' },
    ]);
    expect(answerProblems({ id: 'th_1', tags: ['a'] }, { '$.tags': rule({ match: 'type', max: 1 }) })).toEqual([
      { location: 'response.body.tags', message: 'is expected to hold at most 1 items, but the spec requires at least 2' },
    ]);
    // eachLike's items are judged by the rule written for them.
    expect(
      answerProblems({ id: 'th_1', tags: [7] }, { '$.tags': rule({ match: 'type', min: 1 }), '$.tags[*]': rule({ match: 'integer' }) }),
    ).toEqual([{ location: 'response.body.tags[]', message: 'is expected to be an integer, but the spec says it is a string' }]);
  });

  it('OR: one matcher the spec allows is enough', () => {
    const either = { matchers: [{ match: 'integer' }, { match: 'null' }], combine: 'OR' };
    expect(answerProblems({ id: 'th_1', count: 1 }, { '$.count': either })).toEqual([]);
  });

  it('a rule this checker does not support is reported as not checked, never passed', () => {
    const problems = answerProblems({ id: 'th_1', tags: ['a', 'b'] }, { '$.tags': rule({ match: 'arrayContains', variants: [] }) });
    expect(problems).toEqual([
      {
        location: 'response.body.tags',
        message: expect.stringMatching(/^not checked: the "arrayContains" matching rule is not one this checker supports/),
      },
    ]);
  });
});

describe('matching rules of the request and the answer headers', () => {
  it('query and header rules: the type they let the consumer send must be one the parameter takes', () => {
    const extra = {
      query: { page: ['2'] },
      headers: { ...AUTH, 'X-Trace': 'abc' },
      matchingRules: { query: { page: rule({ match: 'decimal' }) }, header: { 'X-Trace': rule({ match: 'regex', regex: '^[a-z]+$' }) } },
    };
    expect(answerProblems({ id: 'th_1' }, {}, extra)).toEqual([
      { location: 'request.query.page', message: 'may be sent as a decimal number, but getThing takes an integer' },
    ]);
  });

  it('path rules: the example path must match its own regex', () => {
    const extra = { matchingRules: { path: rule({ match: 'regex', regex: '^/things/th_\\d+$' }) } };
    expect(answerProblems({ id: 'th_1' }, {}, extra)).toEqual([]);
    const wrong = { matchingRules: { path: rule({ match: 'regex', regex: '^/items/' }) } };
    expect(answerProblems({ id: 'th_1' }, {}, wrong)).toEqual([
      { location: 'request.path', message: 'its example "/things/th_1" does not match its own rule\'s regex /^/items//' },
    ]);
  });

  it('a header the answer does not document is not promised', () => {
    const pact = {
      consumer: { name: 'h' },
      interactions: [
        {
          description: 'reads headers',
          request: { method: 'GET', path: '/things/th_1', headers: AUTH },
          response: { status: 200, headers: { 'X-Rate-Left': '9', 'X-Region': 'eu' } },
        },
      ],
    };
    expect(judgeContract(model, parseContract(pact, 'h.json')).interactions[0]!.problems).toEqual([
      {
        location: 'response.header.X-Region',
        message: "is not a header the spec documents for getThing's 200 answer, so the provider does not promise it",
      },
    ]);
  });

  it('request body rules: a field sent by a type the spec does not take', () => {
    const pact = {
      consumer: { name: 'b' },
      metadata: { pactSpecification: { version: '3.0.0' } },
      interactions: [
        {
          description: 'makes a thing',
          request: {
            method: 'POST',
            path: '/things',
            headers: { ...AUTH, 'Content-Type': 'application/json' },
            body: { name: 'box', count: 2 },
            matchingRules: { body: { '$.count': rule({ match: 'decimal' }) } },
          },
          response: { status: 201 },
        },
      ],
    };
    expect(judgeContract(model, parseContract(pact, 'b.json')).interactions[0]!.problems).toEqual([
      { location: 'request.body.count', message: 'may be sent as a decimal number, but the spec takes an integer' },
    ]);
  });
});
