// Vitest global setup, run in Node beside the DOM environment of the tests: one Prism mock of the
// spec for the hook tests, and the spec's first request example of each operation, so the tests
// send what the contract shows callers. The tests read both with `inject()`.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { OperationId, RequestBody } from '@payouts/client';
import { startMock } from '@payouts/mock';
import type { TestProject } from 'vitest/node';

type RequestExamples = { [Op in OperationId]?: RequestBody<Op> };

declare module 'vitest' {
  export interface ProvidedContext {
    mockUrl: string;
    requestExamples: RequestExamples;
  }
}

type SpecOperation = { operationId: OperationId; requestBody?: { content: Record<string, { examples?: Record<string, { value: unknown }> }> } };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const spec = JSON.parse(await readFile(createRequire(import.meta.url).resolve('@payouts/spec/openapi.json'), 'utf8')) as {
    paths: Record<string, Record<string, SpecOperation>>;
  };
  const examples = Object.values(spec.paths)
    .flatMap((item) => Object.values(item))
    .flatMap(({ operationId, requestBody }) => {
      const [first] = Object.values(requestBody?.content['application/json']?.examples ?? {});
      return first ? [[operationId, first.value]] : [];
    });
  project.provide('requestExamples', Object.fromEntries(examples) as RequestExamples);
  const mock = await startMock({ port: 0 });
  project.provide('mockUrl', mock.url);
  return () => mock.stop();
}
