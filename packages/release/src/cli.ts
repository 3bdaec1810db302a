#!/usr/bin/env node
// pnpm release --registry URL [--dry-run]
// Exit codes: 0 released (or nothing to release), 1 refused or failed, 2 could not run as asked.
import { parseArgs } from 'node:util';
import { isUsageError, scriptArgs, UsageError } from '@payouts/process';
import { release } from './release.js';

const USAGE = `Usage: pnpm release --registry URL [--dry-run]
  Releases the contract: the version the spec diff against the last release demands (info.version
  when it was set higher; refused when lower), a CHANGELOG entry, the bundle under spec/releases/,
  the published packages' versions, a commit and a spec-vX.Y.Z tag; then packs, checks and
  publishes @payouts/{model,process,spec,callbacks,types,client,react,mock,verify} to the registry.
  --dry-run     show all of that and change nothing`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { registry: { type: 'string' }, 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.registry && !values['dry-run']) throw new UsageError('--registry URL is required (or --dry-run to see the plan)');
  if (values.registry && !/^https?:\/\/[^/]/.test(values.registry))
    throw new UsageError(`--registry "${values.registry}" is not an http(s) URL`);
  try {
    await release({ root: process.cwd(), registry: values.registry, dryRun: values['dry-run'] });
    return 0;
  } catch (error) {
    console.error(`release: ${(error as Error).message}`);
    return 1;
  }
}

try {
  process.exitCode = await main(scriptArgs());
} catch (error) {
  console.error(`release: ${(error as Error).message}${isUsageError(error) ? `\n\n${USAGE}` : ''}`);
  process.exitCode = 2;
}
