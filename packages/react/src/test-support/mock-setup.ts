// Vitest global setup, run in Node beside the DOM environment of the tests: one Prism mock of the
// spec for the hook tests, and the spec's first request example of each operation, so the tests
// send what the contract shows callers. The tests read both with `inject()`.
import type { OperationId, RequestBody } from '@payouts/client';
import { startMock } from '@payouts/mock';
import { exampleOf, mediaTypeOf } from '@payouts/model';
import { loadSpec } from '@payouts/spec';
import type { TestProject } from 'vitest/node';

type RequestExamples = { [Op in OperationId]?: RequestBody<Op> };

declare module 'vitest' {
  export interface ProvidedContext {
    mockUrl: string;
    requestExamples: RequestExamples;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const examples = loadSpec().operations.flatMap(({ operationId, requestBody }) => {
    const first = exampleOf(mediaTypeOf(requestBody?.content ?? [], 'application/json'));
    return first === undefined ? [] : [[operationId, first]];
  });
  project.provide('requestExamples', Object.fromEntries(examples) as RequestExamples);
  const mock = await startMock({ port: 0 });
  project.provide('mockUrl', mock.url);
  return () => mock.stop();
}
