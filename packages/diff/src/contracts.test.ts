// `spec:diff --contracts`: each kind of spec edit names exactly the registered consumers it breaks,
// on real pacts written by pact-js (four consumers; reporting-job is incompatible before any edit,
// so no edit "breaks" it).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeExamplePacts } from '@payouts/contracts/testing';
import type { Node } from '@payouts/model';
import { runNode } from '@payouts/process';
import { bundlePath } from '@payouts/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffSpecs, summaryLine } from './diff.js';
import { renderText } from './render.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const base = bundlePath('json');
let dir: string;
let contracts: string;
let document: Node;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'payouts-diff-contracts-'));
  contracts = join(dir, 'contracts');
  await writeExamplePacts(contracts);
  document = JSON.parse(await readFile(base, 'utf8'));
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

let edits = 0;
/** The working tree's bundle with one edit, as a head file. */
async function edited(edit: (spec: Node) => void): Promise<string> {
  const spec = structuredClone(document);
  edit(spec);
  const file = join(dir, `head-${++edits}.json`);
  await writeFile(file, JSON.stringify(spec));
  return file;
}

const schemas = (spec: Node) => spec.components.schemas;
const withoutProperty = (schema: Node, name: string) => {
  delete schema.properties[name];
  schema.required = (schema.required ?? []).filter((f: string) => f !== name);
};

describe('pnpm spec:diff --contracts', { timeout: 120_000 }, () => {
  it.each([
    ['a response field removed', (s: Node) => withoutProperty(schemas(s).Payout, 'utr'), ['loan-service']],
    ['a nested response field removed', (s: Node) => withoutProperty(schemas(s).DebitBank, 'ifsc'), ['collections-app']],
    ['a field only one consumer reads removed', (s: Node) => withoutProperty(schemas(s).Payout, 'sent_to_gl'), ['ledger-sync']],
    ['a request field made required', (s: Node) => schemas(s).CreatePayoutRequest.required.push('topup'), ['loan-service']],
    ['an enum value dropped', (s: Node) => (schemas(s).PayoutStatus.enum = ['pending', 'initiated', 'processed']), ['loan-service']],
    [
      'a status changed',
      (s: Node) => {
        const responses = s.paths['/v1/lms/payouts/'].post.responses;
        responses['200'] = responses['201'];
        delete responses['201'];
      },
      ['loan-service'],
    ],
    ['a query parameter renamed', (s: Node) => (s.components.parameters.Loan.name = 'loan_id'), ['collections-app']],
  ])('%s: names exactly the consumers it breaks', async (_, edit, expected) => {
    const result = await diffSpecs({ baseFile: base, headFile: await edited(edit), consumers: false, contracts });
    expect(result.brokenConsumers?.map((c) => c.name)).toEqual(expected);
    expect(result.registeredConsumers).toBe(4);
    // Every consumer named is tied to at least one change, and no change names another.
    const named = new Set(result.changes.flatMap((c) => c.consumers ?? []));
    expect([...named].sort()).toEqual(expected);
  });

  it('ties a change to the consumer it breaks, and the text leads with it', async () => {
    const head = await edited((s) => schemas(s).CreatePayoutRequest.required.push('topup'));
    const result = await diffSpecs({ baseFile: base, headFile: head, consumers: false, contracts });
    const topup = result.changes.filter((c) => c.consumers?.length);
    expect(topup.map((c) => [c.operationId, c.consumers])).toEqual([['createPayout', ['loan-service']]]);
    expect(topup[0]!.message).toMatch(/topup/);
    const breaks =
      'breaks loan-service: createPayout now requires `topup`, which this request does not send ("creates a disbursement", request.body.topup)';
    expect(renderText(result, 'base', 'head').split('\n')[1]).toBe(breaks);
    // pnpm dev prints the same after the save's summary line.
    expect(summaryLine(result, 'this save vs v1.0.0').split('\n').slice(1)).toEqual([breaks]);
  });

  it('says so when a major change breaks no registered consumer', async () => {
    const head = await edited((s) => withoutProperty(schemas(s).Payout, 'index'));
    const result = await diffSpecs({ baseFile: base, headFile: head, consumers: false, contracts });
    expect(result.bump).toBe('major');
    expect(result.brokenConsumers).toEqual([]);
    expect(renderText(result, 'base', 'head').split('\n')[1]).toBe('the major change breaks none of the 4 registered consumers');
  });

  it("--json adds broken_consumers and each change's consumers", async () => {
    const head = await edited((s) => withoutProperty(schemas(s).Payout, 'utr'));
    const { code, stdout } = await runNode([CLI, '--base', base, '--head', head, '--json', '--no-consumers', '--contracts', contracts]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(Object.keys(result)).toEqual(['bump', 'changes', 'broken_consumers']);
    for (const change of result.changes)
      expect(Object.keys(change)).toEqual(['operationId', 'location', 'impact', 'audiences', 'message', 'consumers']);
    expect(result.broken_consumers).toEqual([
      {
        name: 'loan-service',
        interactions: [
          {
            description: 'lists the failed payouts',
            problems: [
              {
                location: 'response.body.results[].utr',
                message: "is not declared by the spec's schema here, so the provider does not promise it",
              },
            ],
          },
        ],
      },
    ]);
  });

  it('exits 2 naming a contract that is not a pact', async () => {
    const bad = join(dir, 'bad');
    await runNode([
      '-e',
      `require('fs').mkdirSync(${JSON.stringify(bad)});require('fs').writeFileSync(${JSON.stringify(join(bad, 'x.json'))}, '[]')`,
    ]);
    const { code, stderr } = await runNode([CLI, '--base', base, '--head', base, '--no-consumers', '--contracts', bad]);
    expect(code).toBe(2);
    expect(stderr).toContain('x.json is not a Pact file: it is not a JSON object');
  });
});
