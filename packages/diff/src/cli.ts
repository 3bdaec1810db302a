#!/usr/bin/env node
// pnpm spec:diff [--base REF_OR_FILE] [--head FILE] [--json] [--fail-on major|minor|patch] [--no-consumers] [--contracts DIR]
// pnpm spec:diff --check-version      the gate `pnpm test` runs: info.version keeps up with the changes
// Exit codes: 0 done (and --fail-on not met), 1 --fail-on met or the version check failed, 2 could not run as asked.
import { parseArgs } from 'node:util';
import { isUsageError, scriptArgs, UsageError } from '@payouts/process';
import { bundlePath, loadSpec } from '@payouts/spec';
import { lastRelease, resolveBase } from './base.js';
import { diffSpecs } from './diff.js';
import { impactRank } from './rate.js';
import { renderJson, renderText } from './render.js';
import { versionProblem } from './version.js';

const USAGE = `Usage: pnpm spec:diff [--base REF_OR_FILE] [--head FILE] [--json] [--fail-on major|minor|patch]
  Rates every change of the spec against a base by who it breaks: callers, providers, callback-senders.
  --base REF_OR_FILE   a release (1.2.0), a git ref, or a bundled spec file (default: the last release)
  --head FILE          a bundled spec file (default: the working tree's, as pnpm build bundled it)
  --json               {"bump", "changes": [{"operationId", "location", "impact", "audiences", "message"}]}
  --fail-on IMPACT     exit 1 when the bump is at least this
  --no-consumers       skip type-checking the example consumers against the head
  --contracts DIR      name the registered consumers the change breaks (Pact files, the mock's
                       recordings; see pnpm contracts): adds "broken_consumers": [{"name",
                       "interactions": [{"description", "problems"}]}] and each change's "consumers"
  --check-version      exit 1 when the head's info.version is behind what its changes since the last
                       release need (a new major for major changes, a new minor for minor ones)`;

const FAIL_ON = ['major', 'minor', 'patch'] as const;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      base: { type: 'string' },
      head: { type: 'string' },
      json: { type: 'boolean' },
      'fail-on': { type: 'string' },
      'no-consumers': { type: 'boolean' },
      contracts: { type: 'string' },
      'check-version': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const failOn = values['fail-on'];
  if (failOn !== undefined && !(FAIL_ON as readonly string[]).includes(failOn))
    throw new UsageError(`--fail-on "${failOn}" is not one of ${FAIL_ON.join(', ')}`);
  if (values['check-version']) return checkVersion(values.head ?? bundlePath('json'));

  const headFile = values.head ?? bundlePath('json');
  const base = await resolveBase(values.base);
  try {
    const result = await diffSpecs({
      baseFile: base.file,
      headFile,
      consumers: !values['no-consumers'],
      contracts: values.contracts,
    });
    const headLabel = values.head ?? `working tree (info.version ${loadSpec(headFile).document.info?.version})`;
    process.stdout.write(values.json ? renderJson(result) : renderText(result, base.label, headLabel));
    return failOn !== undefined && impactRank(result.bump) >= impactRank(failOn as (typeof FAIL_ON)[number]) ? 1 : 0;
  } finally {
    await base.dispose();
  }
}

async function checkVersion(headFile: string): Promise<number> {
  const last = lastRelease();
  const version = String(loadSpec(headFile).document.info?.version);
  if (!last) {
    console.log(`spec:diff --check-version: nothing is released yet; info.version is ${version}`);
    return 0;
  }
  const base = await resolveBase(last);
  const result = await diffSpecs({ baseFile: base.file, headFile });
  const problem = versionProblem(result, last, version);
  if (problem) {
    console.error(`spec:diff --check-version: ${problem}`);
    return 1;
  }
  console.log(
    `spec:diff --check-version: info.version ${version} keeps up with the changes since v${last} (${result.bump === 'none' ? 'none' : `a ${result.bump} bump`})`,
  );
  return 0;
}

try {
  process.exitCode = await main(scriptArgs());
} catch (error) {
  console.error(`spec:diff: ${(error as Error).message}${isUsageError(error) ? `\n\n${USAGE}` : ''}`);
  process.exitCode = 2;
}
