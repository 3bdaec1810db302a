// A package linted as it is published: `pnpm pack` once (workspace: ranges replaced, only the
// `files` it ships), and every check reads that one tarball. publint and Are the Types Wrong each
// packed the package themselves before (pnpm for one, npm for the other), twice the packing for
// one lint; the release tool packs and checks the very tarballs it publishes with the same code.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

// Children are run with execFile, not @payouts/process's `run`: every published package lints
// with this one, @payouts/process included, so depending on it would be a cycle.
const exec = promisify(execFile);
const require = createRequire(import.meta.url);
/** What a failed child printed, or why it did not run. */
const outputOf = ({ stdout = '', stderr = '', message }) => `${stdout}${stderr}`.trim() || message;

// The types of what this module exports are in index.d.mts.

/** Packs the package in `dir` into `destination` as pnpm publishes it, and lints the tarball with publint (strict: warnings are problems). */
export async function packAndLint(dir, destination) {
  let name;
  try {
    name = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')).name ?? dir;
  } catch (error) {
    return { problems: [`${dir}: no package to pack (${error.message})`] };
  }
  let tarball;
  try {
    const { stdout } = await exec('pnpm', ['pack', '--pack-destination', destination], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
    tarball = stdout.trim().split('\n').at(-1);
  } catch (error) {
    return { problems: [`${name}: pnpm pack failed: ${outputOf(error)}`] };
  }
  if (!tarball?.endsWith('.tgz')) return { problems: [`${name}: pnpm pack named no tarball`] };
  const bytes = await readFile(tarball);
  // No pkgDir: publint reads the package from the tarball's own root.
  const { messages, pkg } = await publint({
    strict: true,
    pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
  });
  const problems = messages
    .filter((message) => message.type !== 'suggestion')
    .map((message) => `${name}: ${formatMessage(message, pkg) ?? message.code}`);
  return { tarball, manifest: pkg, problems };
}

const ATTW_MANIFEST = require.resolve('@arethetypeswrong/cli/package.json');
const ATTW = join(dirname(ATTW_MANIFEST), require(ATTW_MANIFEST).bin.attw);

/** Are the Types Wrong on a tarball, with attw's own options (e.g. `--profile esm-only`); its report, and whether it found problems. */
export async function checkTypes(tarball, options) {
  try {
    const { stdout, stderr } = await exec(process.execPath, [ATTW, tarball, '--no-color', ...options], { maxBuffer: 16 * 1024 * 1024 });
    return { ok: true, report: `${stdout}${stderr}` };
  } catch (error) {
    return { ok: false, report: outputOf(error) };
  }
}
