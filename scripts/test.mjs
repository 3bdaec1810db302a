// The lint and test tasks of `pnpm test`, run once every package is built: three packages at a
// time (most tests wait on servers and child processes, so a third keeps both cores busy), the
// slowest first, each package's lint and test in a turbo run of its own (`--only`: no task waits on
// a build, and no two runs restore one package's build outputs at once), and the workspace's
// type-check (the root's typecheck task: every tsconfig.json in one process) as one more of them.
// Extra arguments go to every turbo run (e.g. --summarize).
// Why not one `turbo run lint test`: turbo has no task priority and starts tasks in an order of its
// own; the release test (3 minutes beside the rest) started last and ended the run alone.
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scriptArgs } from '@payouts/process';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Without pnpm's `--` (`pnpm test -- --summarize`): passed on, turbo would give the arguments
// after it to every lint and test command.
const TURBO_ARGS = scriptArgs();
const LANES = 3;
/** The workspace's type-check, turbo's root task (`//` is the root in turbo's filters). */
const TYPECHECK = '//';
/**
 * The packages whose lint and test took longest in a whole run, and the type-check, longest first;
 * the rest (a few seconds each) follow, so that the run ends on short ones.
 */
const SLOWEST_FIRST = [
  '@payouts/release',
  '@payouts/verify',
  '@payouts/sandbox',
  '@payouts/mock',
  TYPECHECK,
  '@payouts/dev',
  '@payouts/diff',
  '@payouts/docs',
  '@payouts/client',
  '@payouts/e2e',
  '@payouts/generators',
  '@payouts/spec',
  '@payouts/contracts',
  '@payouts/compile',
  '@payouts/react',
  '@payouts/watch',
];

const workspace = JSON.parse(execFileSync('pnpm', ['ls', '--recursive', '--depth', '-1', '--json'], { cwd: ROOT, encoding: 'utf8' }))
  .map((project) => project.name)
  .filter((name) => name.startsWith('@payouts/'));
const unknown = SLOWEST_FIRST.filter((name) => name !== TYPECHECK && !workspace.includes(name));
if (unknown.length) {
  console.error(`scripts/test.mjs orders ${unknown.join(', ')}, which the workspace does not have: update SLOWEST_FIRST`);
  process.exit(2);
}
const queue = [...SLOWEST_FIRST, ...workspace.filter((name) => !SLOWEST_FIRST.includes(name)).sort()].map((name) =>
  name === TYPECHECK ? { name: 'the type-check', filter: name, tasks: ['typecheck'] } : { name, filter: name, tasks: ['lint', 'test'] },
);

const turbo = ({ name, filter, tasks }) =>
  new Promise((resolve) => {
    const child = spawn('turbo', ['run', ...tasks, '--only', `--filter=${filter}`, '--continue', '--concurrency=1', ...TURBO_ARGS], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', PATH: `${ROOT}node_modules/.bin:${process.env.PATH}` },
    });
    child.on('error', (error) => resolve(`${name} (${error.message})`));
    child.on('close', (code) => resolve(code === 0 ? undefined : name));
  });

const failed = [];
await Promise.all(
  Array.from({ length: LANES }, async () => {
    for (let run = queue.shift(); run; run = queue.shift()) {
      const failure = await turbo(run);
      if (failure) failed.push(failure);
    }
  }),
);
if (failed.length) {
  console.error(`\nlint or test failed in: ${failed.join(', ')}`);
  process.exit(1);
}
