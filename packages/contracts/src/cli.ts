#!/usr/bin/env node
// pnpm contracts verify [--contracts DIR] [--spec FILE|VERSION] [--json]
// pnpm can-i-deploy [--contracts DIR] [--spec FILE|VERSION] [--verification FILE]
// Exit codes: 0 compatible (deployable), 1 a consumer is incompatible (or the verification did not
// pass against that spec), 2 bad input: an unreadable file, not a pact, an unknown spec version.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isUsageError, scriptArgs, UsageError } from '@payouts/process';
import { ContractInputError } from './pact.js';
import { renderJson, renderMatrix, renderText } from './render.js';
import { judgeContracts, loadModel, readContracts, resolveSpec } from './verify.js';

const USAGE = `Usage:
  pnpm contracts verify [--contracts DIR] [--spec FILE|VERSION] [--json]
      Checks every interaction of every consumer contract (Pact v2-v4 files, the mock's recordings)
      against the spec. --json prints {"spec_version", "consumers": [{"name", "file", "compatible",
      "interactions": [{"description", "operationId", "compatible", "problems": [{"location", "message"}]}]}]}
  pnpm can-i-deploy [--contracts DIR] [--spec FILE|VERSION] [--verification FILE]
      Exit 0 only when every registered consumer is compatible with the spec and, with
      --verification, the provider's pnpm verify --json report passed against the same spec version.
  --contracts DIR        the consumers' contracts (default spec/contracts/)
  --spec FILE|VERSION    a bundled spec file or a released version (default: the working tree's bundle)
Exit: 0 compatible, 1 not, 2 bad input.`;

const COMMANDS = ['verify', 'can-i-deploy'] as const;

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      contracts: { type: 'string' },
      spec: { type: 'string' },
      json: { type: 'boolean' },
      verification: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const command = positionals[0];
  if (!(COMMANDS as readonly (string | undefined)[]).includes(command) || positionals.length > 1)
    throw new UsageError(command === undefined ? 'name a command: verify or can-i-deploy' : `unknown command "${positionals.join(' ')}"`);
  if (command === 'verify' && values.verification !== undefined) throw new UsageError('--verification is an option of can-i-deploy');
  if (command === 'can-i-deploy' && values.json) throw new UsageError('--json is an option of verify');
  const specFile = resolveSpec(values.spec);
  const contracts = readContracts(values.contracts);
  const model = loadModel(specFile);
  const report = judgeContracts(model, contracts);
  const compatible = report.consumers.every((c) => c.compatible);
  if (command === 'verify') {
    process.stdout.write(values.json ? renderJson(report) : renderText(report));
    return compatible ? 0 : 1;
  }
  const verification = values.verification === undefined ? undefined : verificationProblem(values.verification, report.spec_version);
  console.log(`can-i-deploy: the spec ${report.spec_version} against ${report.consumers.length} registered consumers\n`);
  console.log(
    renderMatrix(
      report,
      model.operations.map((op) => op.operationId),
    ),
  );
  console.log('');
  if (!compatible) process.stdout.write(renderText(report).split('\n').slice(1).join('\n'));
  if (verification) console.log(`✗ ${verification}`);
  else if (values.verification) console.log(`✓ the provider's verification (${values.verification}) passed against ${report.spec_version}`);
  const yes = compatible && !verification;
  console.log(
    yes
      ? `can-i-deploy: yes: every registered consumer is compatible with ${report.spec_version}`
      : `can-i-deploy: no: ${
          compatible
            ? 'the provider is not verified against this spec'
            : `${report.consumers
                .filter((c) => !c.compatible)
                .map((c) => c.name)
                .join(', ')} would break`
        }`,
  );
  return yes ? 0 : 1;
}

/** Why a `pnpm verify --json` report does not vouch for this spec version; undefined when it does. */
function verificationProblem(file: string, specVersion: string): string | undefined {
  let report: { specVersion?: unknown; failed?: unknown; checks?: unknown };
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ContractInputError(`cannot read the verification report ${file}: ${(error as Error).message}`);
  }
  if (typeof report !== 'object' || report === null || typeof report.failed !== 'number' || !Array.isArray(report.checks))
    throw new ContractInputError(`${file} is not a pnpm verify --json report (it has no "failed" count and "checks" list)`);
  if (report.specVersion === undefined) return `the verification report ${file} does not say which spec version it verified`;
  if (report.specVersion !== specVersion)
    return `the verification report ${file} verified the spec ${String(report.specVersion)}, not ${specVersion}`;
  if (report.failed > 0) return `the provider failed ${report.failed} of its verification checks (${file})`;
  if (report.checks.length === 0) return `the verification report ${file} ran no checks`;
  return undefined;
}

try {
  process.exitCode = main(scriptArgs());
} catch (error) {
  const usage = isUsageError(error);
  console.error(`contracts: ${(error as Error).message}${usage ? `\n\n${USAGE}` : ''}`);
  process.exitCode = 2;
}
