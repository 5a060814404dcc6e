// Vitest globalSetup: ONE embedded PostgreSQL for the whole run. Suites get its URL with
// `inject('postgresUrl')` and create their own database in it (see databases.ts).
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { keepExitCode } from './exit-code.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  keepExitCode();
  const started = Date.now();
  const postgres = await startEmbeddedPostgres('keyward-pg-', (error) =>
    console.error('[postgres]', error),
  );
  if (process.env.KEYWARD_TEST_VERBOSE) {
    console.log(`[postgres] ready in ${Date.now() - started} ms`);
  }
  project.provide('postgresUrl', postgres.url);
  return () => postgres.stop();
}
