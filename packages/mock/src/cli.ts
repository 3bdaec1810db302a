#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { isUsageError, normalOrigin, PortInUseError, parsePort, scriptArgs, UsageError } from '@payouts/process';
import { type Mock, startMock } from './mock.js';
import { formatViolation } from './violations.js';

const DEFAULT_PORT = '4010';

const USAGE = `Usage: pnpm mock [--port ${DEFAULT_PORT}] [--host 127.0.0.1] [--dynamic [--seed <seed>]] [--errors] [--cors-origin ORIGIN]...
       [--record-contract FILE --consumer NAME]

Serves the Payouts API spec with Prism: the spec's examples by default.
  --port     port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host     address to listen on (default 127.0.0.1)
  --dynamic  generate bodies from the schemas instead of the examples
  --seed     with --dynamic, the same seed generates the same bodies
  --errors   strict mode: an answer of the mock that breaks the spec becomes a 500
  --cors-origin  an origin whose pages may call the mock (e.g. http://127.0.0.1:4020); repeat for
             several. None by default: no other page can read the mock's answers
  --record-contract FILE  write what the callers relied on as a Pact v4 contract of the consumer
             --consumer NAME, for pnpm contracts verify and pnpm can-i-deploy`;

interface CliOptions {
  port: number;
  host: string;
  dynamic: boolean;
  seed?: string;
  errors: boolean;
  corsOrigins: string[];
  contract?: { consumer: string; file: string };
}

function readOptions(args: string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: DEFAULT_PORT },
      host: { type: 'string', default: '127.0.0.1' },
      dynamic: { type: 'boolean', default: false },
      seed: { type: 'string' },
      errors: { type: 'boolean', default: false },
      'cors-origin': { type: 'string', multiple: true, default: [] },
      'record-contract': { type: 'string' },
      consumer: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (values.seed !== undefined && !values.dynamic) throw new UsageError('--seed only applies with --dynamic');
  const file = values['record-contract'];
  const consumer = values.consumer?.trim();
  if ((file === undefined) !== (consumer === undefined))
    throw new UsageError('--record-contract FILE and --consumer NAME go together: the contract is of a named consumer');
  if (consumer === '') throw new UsageError('--consumer needs a name, e.g. --consumer loan-service');
  const corsOrigins = values['cors-origin'].map((origin) => {
    try {
      return normalOrigin(origin);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  });
  return {
    port: parsePort(values.port),
    host: values.host,
    dynamic: values.dynamic,
    seed: values.seed,
    errors: values.errors,
    corsOrigins,
    contract: file === undefined || consumer === undefined ? undefined : { consumer, file },
  };
}

function banner(mock: Mock, options: CliOptions): string {
  const mode = options.dynamic ? `dynamic bodies${options.seed === undefined ? '' : `, seed ${options.seed}`}` : 'static examples';
  const methodWidth = Math.max(...mock.operations.map((operation) => operation.method.length));
  const pathWidth = Math.max(...mock.operations.map((operation) => operation.path.length));
  const rows = mock.operations.map(
    ({ method, path, operationId }) => `  ${method.padEnd(methodWidth)}  ${path.padEnd(pathWidth)}  ${operationId}`,
  );
  return [
    `Payouts API mock listening on ${mock.url} (${mode}${options.errors ? ', strict' : ''})`,
    `Serves ${mock.operations.length} operations:`,
    ...rows,
    `Try: curl -H 'Authorization: Bearer test' ${mock.url}/v1/lms/payouts/`,
    ...(options.contract ? [`Recording the contract of ${options.contract.consumer} in ${options.contract.file}.`] : []),
    'Contract violations are printed as they happen. Ctrl-C stops.',
  ].join('\n');
}

async function main(): Promise<number> {
  let options: CliOptions | 'help';
  try {
    options = readOptions(scriptArgs());
  } catch (error) {
    if (!isUsageError(error)) throw error;
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }

  let mock: Mock;
  try {
    mock = await startMock({ ...options, onViolation: (violation) => console.log(`violation: ${formatViolation(violation)}`) });
  } catch (error) {
    console.error(error instanceof PortInUseError ? error.message : `cannot start the mock: ${(error as Error).message}`);
    return 1;
  }
  console.log(banner(mock, options));

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  // Each violation was printed when it happened; strict mode need not list them again.
  mock.clearViolations();
  await mock.stop();
  console.log('mock stopped');
  return 0;
}

process.exitCode = await main();
