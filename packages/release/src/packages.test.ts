// The published packages carry the contract's version: the last release's, until the next release sets it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { releases } from '@payouts/spec';
import { expect, it } from 'vitest';
import { PUBLISHED } from './release.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const dirOf = (name: string) => (name === '@payouts/spec' ? join(ROOT, 'spec') : join(ROOT, 'packages', name.replace('@payouts/', '')));

it('every published package is public and carries the last released version', async () => {
  const last = releases().at(-1);
  for (const name of PUBLISHED) {
    const manifest = JSON.parse(await readFile(join(dirOf(name), 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      private?: boolean;
    };
    expect([manifest.name, manifest.version, manifest.private ?? false]).toEqual([name, last, false]);
  }
});
