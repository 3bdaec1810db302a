import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundlePath, loadSpec } from '@payouts/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDocs } from './build.js';

describe('buildDocs', () => {
  let workDir: string;
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'payouts-docs-build-'));
  });
  afterAll(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('says what is wrong with the spec it was given', async () => {
    const missing = join(workDir, 'nowhere.yaml');
    await expect(buildDocs({ specFile: missing, outDir: workDir })).rejects.toThrow(
      `cannot read the bundled spec ${missing}: it does not exist (build @payouts/spec first)`,
    );
    const notOpenApi = join(workDir, 'list.yaml');
    await writeFile(notOpenApi, '- just\n- a list\n');
    await expect(buildDocs({ specFile: notOpenApi, outDir: workDir })).rejects.toThrow(
      `${notOpenApi} is not an OpenAPI document (no paths)`,
    );
  });

  it('keeps the last good page when a build fails', async () => {
    const outDir = join(workDir, 'out');
    const built = await buildDocs({ outDir });
    expect(built.htmlFile).toBe(join(outDir, 'index.html'));
    expect(built.bytes).toBeGreaterThan(1_000_000); // Redoc inlined
    const goodPage = await readFile(built.htmlFile, 'utf8');

    const spec = JSON.parse(await readFile(bundlePath('json'), 'utf8'));
    delete spec.components.parameters.PayoutId.example;
    const broken = join(workDir, 'broken.json');
    await writeFile(broken, JSON.stringify(spec));
    // The first operation with that path parameter is named, with its method and path.
    const first = loadSpec().operations.find((operation) => operation.parameters.some((p) => p.in === 'path' && p.name === 'id'))!;
    await expect(buildDocs({ specFile: broken, outDir })).rejects.toThrow(
      `cannot write code samples for ${first.operationId} (${first.method} ${first.path}): path parameter "id" has no example`,
    );
    expect((await readFile(built.htmlFile, 'utf8')) === goodPage, 'the last good page is untouched').toBe(true);
  });
});
