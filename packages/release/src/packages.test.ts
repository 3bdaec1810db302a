// The published packages carry the contract's version: the last release's, until the next release sets it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { releases } from '@payouts/spec';
import { expect, it } from 'vitest';
import { locatePackages } from './release.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

it('every published package is public and carries the last released version', async () => {
  const last = releases().at(-1);
  for (const { name, dir } of await locatePackages(ROOT)) {
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      private?: boolean;
    };
    expect([manifest.name, manifest.version, manifest.private ?? false]).toEqual([name, last, false]);
  }
});
