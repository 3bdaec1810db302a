// Vitest global setup, run in Node beside the DOM environment of the tests: one Prism mock of the
// spec for the hook tests, one sandbox (SQLite, in a folder of its own) for the infinite lists,
// which need a list that really changes, and the spec's first request example of each operation, so the tests
// send what the contract shows callers. The tests read both with `inject()`.
import type { OperationId, RequestBody } from '@payouts/client';
import { startMock } from '@payouts/mock';
import { exampleOf, mediaTypeOf } from '@payouts/model';
import { startTestSandbox } from '@payouts/sandbox/testing';
import { loadSpec } from '@payouts/spec';
import type { TestProject } from 'vitest/node';

type RequestExamples = { [Op in OperationId]?: RequestBody<Op> };

declare module 'vitest' {
  export interface ProvidedContext {
    mockUrl: string;
    sandboxUrl: string;
    requestExamples: RequestExamples;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const examples = loadSpec().operations.flatMap(({ operationId, requestBody }) => {
    const first = exampleOf(mediaTypeOf(requestBody?.content ?? [], 'application/json'));
    return first === undefined ? [] : [[operationId, first]];
  });
  project.provide('requestExamples', Object.fromEntries(examples) as RequestExamples);
  // The tests run in a page (happy-dom) of another origin than the mock's: a browser app's case.
  const page = project.config.environmentOptions?.happyDOM?.url;
  if (!page) throw new Error('vitest.config.ts must set environmentOptions.happyDOM.url: the mock grants CORS to that origin');
  const corsOrigins = [new URL(page).origin];
  const [mock, sandbox] = await Promise.all([startMock({ port: 0, corsOrigins }), startTestSandbox({ corsOrigins })]);
  project.provide('mockUrl', mock.url);
  project.provide('sandboxUrl', sandbox.url);
  return async () => {
    await Promise.all([mock.stop(), sandbox.dispose()]);
  };
}
