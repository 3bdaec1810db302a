// The clients' warm type-check holds the client and the React hooks to the types it is given: a
// spec change that breaks them is reported with file and line, and the next good types pass again,
// from the same warm programs.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { ClientsTypeCheck } from './type-check.js';
import { findWorkspaceRoot } from './workspace.js';

const root = findWorkspaceRoot(fileURLToPath(new URL('.', import.meta.url)));
const dir = await mkdtemp(join(tmpdir(), 'payouts-type-check-'));
const typesFile = join(dir, 'openapi.d.ts');
const checker = new ClientsTypeCheck(root, typesFile);

afterAll(async () => {
  await checker.close();
  await rm(dir, { recursive: true, force: true });
});

it('passes the current types, names the file and line a breaking change reaches, and passes again after it', async () => {
  const current = await readFile(join(root, 'packages', 'types', 'dist', 'openapi.d.ts'), 'utf8');
  await writeFile(typesFile, current);
  const good = await checker.check();
  expect(good.report).toBe('');
  expect(good.ok).toBe(true);

  // The spec renames a schema the client exports a type for.
  await writeFile(typesFile, current.replace(/\bPayoutPage\b/g, 'PayoutListPage'));
  const broken = await checker.check();
  expect(broken.ok).toBe(false);
  expect(broken.report).toMatch(/^packages\/client\/src\/types\.ts\(\d+,\d+\): error TS2339: Property 'PayoutPage' does not exist/m);
  expect(broken.report.split('\n').filter((line) => line.startsWith('packages/client/src/types.ts')).length).toBe(1);

  await writeFile(typesFile, current);
  expect(await checker.check()).toMatchObject({ ok: true, report: '' });
}, 120_000); // the first check loads TypeScript and builds both programs
