// Vitest global setup: one Prism mock of the spec for the hook tests, run in Node beside the DOM
// environment the tests run in; they find it with `inject('mockUrl')`.
import { startMock } from '@payouts/mock';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    mockUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const mock = await startMock({ port: 0 });
  project.provide('mockUrl', mock.url);
  return () => mock.stop();
}
