// A real npm registry for the release tests: Verdaccio 6.8.0 on a free loopback port, storing in a
// temporary folder, with no uplinks (it reaches nothing beyond loopback).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findFreePort, startProcess } from '@payouts/process';

export interface Registry {
  url: string;
  /** An npm user config that authenticates to it (Verdaccio takes any token for an anonymous publish), as environment. */
  authEnv: Record<string, string>;
  stop(): Promise<void>;
}

const VERDACCIO = join(dirname(createRequire(import.meta.url).resolve('verdaccio/package.json')), 'bin', 'verdaccio');

export async function startRegistry(): Promise<Registry> {
  const dir = await mkdtemp(join(tmpdir(), 'payouts-registry-'));
  const port = await findFreePort();
  const config = join(dir, 'config.yaml');
  await writeFile(
    config,
    [
      `storage: ${join(dir, 'storage')}`,
      'uplinks: {}',
      'web: { enable: false }',
      'packages:',
      "  '@payouts/*': { access: $all, publish: $anonymous }",
      "  '**': { access: $all }",
      'log: { type: stdout, format: pretty, level: warn }',
    ].join('\n'),
  );
  const started = await startProcess(process.execPath, [VERDACCIO, '--config', config, '--listen', `127.0.0.1:${port}`], /http address/, {
    timeoutMs: 30_000,
  });
  const url = `http://127.0.0.1:${port}/`;
  const npmrc = join(dir, 'npmrc');
  await writeFile(npmrc, `//127.0.0.1:${port}/:_authToken=payouts-release-test\n`);
  return {
    url,
    authEnv: { NPM_CONFIG_USERCONFIG: npmrc },
    stop: async () => {
      await started.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
