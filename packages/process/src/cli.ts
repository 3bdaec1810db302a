// What every CLI here parses the same way.

/** A mistake in how a command was called: the CLI prints it with its usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A port given on the command line: decimal digits, 0 to 65535 (0 picks a free one). */
export function parsePort(text: string, flag = '--port'): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`${flag} must be a whole number from 0 to 65535, got "${text}"`);
  return port;
}

/** True for mistakes of the caller's own (ours, or node:util parseArgs's), which deserve the usage text. */
export function isUsageError(error: unknown): boolean {
  return error instanceof UsageError || String((error as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS');
}

/**
 * The arguments a script was started with. `pnpm <script> -- --flag` passes its `--` on, and
 * node:util's parseArgs would take everything after it for positionals: it is dropped.
 */
export function scriptArgs(argv: readonly string[] = process.argv): string[] {
  const args = argv.slice(2);
  return args[0] === '--' ? args.slice(1) : args;
}
