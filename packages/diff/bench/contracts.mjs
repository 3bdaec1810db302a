#!/usr/bin/env node
// What registered consumer contracts cost where people wait: `pnpm contracts verify` and
// `pnpm spec:diff --contracts` on 20 consumers x 20 interactions, against a plain `spec:diff` in
// the same run. Goal: the contracts add at most 1x a plain diff.
//
//   pnpm build && node bench/contracts.mjs [--rounds 5] [--consumers 20] [--interactions 20]
//
// Each command runs as its CLI, in a child process, as people and CI run it (startup included);
// the median of the rounds is printed. The head is the working tree's bundle with `utr` gone from
// every payout, so the diff has changes and some consumers break. The consumers are made from the
// registered recording (spec/contracts/): each one 20 of its interactions, so the bodies are the
// full payouts a real caller receives.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_CONTRACTS_DIR, readContracts } from '@payouts/contracts';
import { run, runNode, scriptArgs } from '@payouts/process';
import { bundlePath, releasePath, releases } from '@payouts/spec';

const { values } = parseArgs({
  args: scriptArgs(),
  options: {
    rounds: { type: 'string', default: '5' },
    consumers: { type: 'string', default: '20' },
    interactions: { type: 'string', default: '20' },
  },
});
const ROUNDS = Number(values.rounds);
const CONSUMERS = Number(values.consumers);
const INTERACTIONS = Number(values.interactions);
const DIFF_CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const CONTRACTS_CLI = fileURLToPath(new URL('../node_modules/.bin/payouts-contracts', import.meta.url));

const dir = await mkdtemp(join(tmpdir(), 'payouts-bench-contracts-'));
try {
  const contracts = join(dir, 'contracts');
  await mkdir(contracts);
  const [recorded] = readContracts(DEFAULT_CONTRACTS_DIR);
  const template = JSON.parse(await readFile(recorded.file, 'utf8'));
  for (let c = 0; c < CONSUMERS; c++) {
    const interactions = Array.from({ length: INTERACTIONS }, (_, i) => {
      const source = template.interactions[(c * 7 + i) % template.interactions.length];
      return { ...source, description: `${source.description} #${i + 1}` };
    });
    const pact = { ...template, consumer: { name: `consumer-${String(c + 1).padStart(2, '0')}` }, interactions };
    await writeFile(join(contracts, `consumer-${c + 1}.json`), JSON.stringify(pact));
  }
  const head = join(dir, 'head.json');
  const spec = JSON.parse(await readFile(bundlePath('json'), 'utf8'));
  delete spec.components.schemas.Payout.properties.utr;
  spec.components.schemas.Payout.required = spec.components.schemas.Payout.required.filter((f) => f !== 'utr');
  await writeFile(head, JSON.stringify(spec));
  const base = releasePath(releases().at(-1));

  // Each with the exit code it must give: the consumers that read `utr` are incompatible with the head.
  const commands = {
    'spec:diff (plain)': [0, () => runNode([DIFF_CLI, '--base', base, '--head', head, '--no-consumers', '--json'], { timeoutMs: 300_000 })],
    'spec:diff --contracts': [
      0,
      () =>
        runNode([DIFF_CLI, '--base', base, '--head', head, '--no-consumers', '--json', '--contracts', contracts], { timeoutMs: 300_000 }),
    ],
    // The package's bin, as pnpm links it (a shell shim).
    'contracts verify': [
      1,
      () => run(CONTRACTS_CLI, ['verify', '--contracts', contracts, '--spec', head, '--json'], { timeoutMs: 300_000 }),
    ],
  };
  const times = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, [expected, command]] of Object.entries(commands)) {
      const started = performance.now();
      const result = await command();
      if (result.code !== expected) throw new Error(`${name} exited ${result.code}, not ${expected}:\n${result.output.slice(0, 2000)}`);
      times[name].push(performance.now() - started);
    }
  }
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  const plain = median(times['spec:diff (plain)']);
  const withContracts = median(times['spec:diff --contracts']);
  const verify = median(times['contracts verify']);
  console.log(`${CONSUMERS} consumers x ${INTERACTIONS} interactions, median of ${ROUNDS} rounds (each a CLI run, startup included)`);
  for (const [name, list] of Object.entries(times)) console.log(`  ${name.padEnd(24)} ${median(list).toFixed(0).padStart(6)} ms`);
  console.log(
    `  added by --contracts      ${(withContracts - plain).toFixed(0).padStart(6)} ms = ${((withContracts - plain) / plain).toFixed(2)}x a plain spec:diff (goal: at most 1x)`,
  );
  console.log(`  contracts verify          ${(verify / plain).toFixed(2)}x a plain spec:diff`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
