#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startMock, type Mock } from './mock.js';
import { PortInUseError } from './prism.js';
import { formatViolation } from './violations.js';

const USAGE = `Usage: pnpm mock [--port 4010] [--host 127.0.0.1] [--dynamic [--seed <seed>]] [--errors]

Serves the Payouts API spec with Prism: the spec's examples by default.
  --port     port to listen on (default 4010; 0 picks a free one)
  --host     address to listen on (default 127.0.0.1)
  --dynamic  generate bodies from the schemas instead of the examples
  --seed     with --dynamic, the same seed generates the same bodies
  --errors   strict mode: an answer of the mock that breaks the spec becomes a 500`;

interface CliOptions {
  port: number;
  host: string;
  dynamic: boolean;
  seed?: string;
  errors: boolean;
}

class UsageError extends Error {}

function readOptions(args: string[]): CliOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: 'string', default: '4010' },
        host: { type: 'string', default: '127.0.0.1' },
        dynamic: { type: 'boolean', default: false },
        seed: { type: 'string' },
        errors: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, got '${values.port}'`);
  if (values.seed !== undefined && !values.dynamic) throw new UsageError('--seed only applies with --dynamic');
  return { port, host: values.host, dynamic: values.dynamic, seed: values.seed, errors: values.errors };
}

function banner(mock: Mock, options: CliOptions): string {
  const mode = options.dynamic ? `dynamic bodies${options.seed === undefined ? '' : `, seed ${options.seed}`}` : 'static examples';
  const methodWidth = Math.max(...mock.operations.map((operation) => operation.method.length));
  const pathWidth = Math.max(...mock.operations.map((operation) => operation.path.length));
  const rows = mock.operations.map(({ method, path, operationId }) => `  ${method.padEnd(methodWidth)}  ${path.padEnd(pathWidth)}  ${operationId}`);
  return [
    `Payouts API mock listening on ${mock.url} (${mode}${options.errors ? ', strict' : ''})`,
    `Serves ${mock.operations.length} operations:`,
    ...rows,
    `Try: curl -H 'Authorization: Bearer test' ${mock.url}/v1/lms/payouts/`,
    'Contract violations are printed as they happen. Ctrl-C stops.',
  ].join('\n');
}

async function main(): Promise<number> {
  let options;
  try {
    options = readOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
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
    console.error(error instanceof PortInUseError ? `port ${error.port} is in use; pass --port <another port>` : `cannot start the mock: ${(error as Error).message}`);
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
