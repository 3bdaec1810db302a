// What a diff compares against: a release (`1.2.0`, kept under spec/releases/), a bundled spec
// file, or a git ref whose spec sources are built into a throwaway folder. The default is the
// last release.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { run } from '@payouts/process';
import { RELEASES_DIR, releasePath, releases } from '@payouts/spec';
import { buildSpec } from '@payouts/spec/build';

export interface Base {
  /** A bundled spec file. */
  file: string;
  /** How a person names it: `v1.2.0`, a file, a git ref. */
  label: string;
  /** Removes what was made to get it (a git ref's build). */
  dispose(): Promise<void>;
}

const nothing = async () => {};

export function lastRelease(): string | undefined {
  return releases().at(-1);
}

export async function resolveBase(ref: string | undefined): Promise<Base> {
  if (ref === undefined) {
    const last = lastRelease();
    if (!last) throw new Error(`nothing is released yet (${RELEASES_DIR} is empty): pass --base REF_OR_FILE`);
    return { file: releasePath(last), label: `v${last}`, dispose: nothing };
  }
  if (/^v?\d+\.\d+\.\d+$/.test(ref)) {
    const version = ref.replace(/^v/, '');
    return { file: releasePath(version), label: `v${version}`, dispose: nothing };
  }
  if (existsSync(ref)) return { file: resolve(ref), label: ref, dispose: nothing };
  return fromGit(ref);
}

/** The spec as it was at a git ref: its sources extracted and built by the spec's own build. */
async function fromGit(ref: string): Promise<Base> {
  const top = await run('git', ['rev-parse', '--show-toplevel'], { cwd: dirname(RELEASES_DIR) });
  if (top.code !== 0) throw new Error(`--base ${ref} is not a release, a file or a git ref (no git repository here)`);
  const root = top.stdout.trim();
  const commit = await run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: root });
  if (commit.code !== 0) {
    const known = releases();
    throw new Error(
      `--base ${ref} is not a release (${known.length ? known.join(', ') : 'none yet'}), an existing file, or a git ref of this repository`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'payouts-diff-base-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const tar = join(dir, 'spec.tar');
    const archived = await run(
      'git',
      ['archive', '--format=tar', '-o', tar, commit.stdout.trim(), '--', 'spec/openapi', 'spec/redocly.yaml'],
      {
        cwd: root,
      },
    );
    if (archived.code !== 0) throw new Error(`git archive ${ref} failed: ${archived.output}`);
    const extracted = await run('tar', ['-xf', tar, '-C', dir]);
    if (extracted.code !== 0) throw new Error(`cannot extract the spec of ${ref}: ${extracted.output}`);
    const built = await buildSpec(join(dir, 'spec'));
    if (!built.ok) throw new Error(`the spec at ${ref} does not build:\n${built.report}`);
    return { file: join(dir, 'spec', 'dist', 'openapi.json'), label: `${ref} (${commit.stdout.trim().slice(0, 7)})`, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
