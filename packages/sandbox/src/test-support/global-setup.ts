// One PostgreSQL server for the whole test run; each test that needs a database makes its own on it.
import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from '../postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test server's maintenance database (postgres://...). */
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const cluster = await startPostgresCluster();
  project.provide('postgresUrl', cluster.url);
  return () => cluster.dispose();
}
