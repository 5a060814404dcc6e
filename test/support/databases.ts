// Fresh, isolated databases for tests, in either dialect:
//
//   describe.each(dialects)('%s', (dialect) => {
//     let db: FreshStore;
//     beforeEach(async () => { db = await freshStore(dialect); });
//     afterEach(() => db.cleanup());
//   });
//
// SQLite: a new file in a new temp folder. PostgreSQL: a new database (random name) in the
// one server test/support/postgres-global.ts starts for the whole run, so suites running
// in parallel never see each other's rows.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

export const dialects = ['sqlite', 'postgres'] as const;
export type TestDialect = (typeof dialects)[number];

export interface FreshDatabase {
  /** What `openStore` (or `--database`/KEYWARD_DATABASE) takes: a file path or a URL. */
  readonly database: string;
  /** Deletes the file or drops the database. Close stores on it first. */
  cleanup(): Promise<void>;
}

export interface FreshStore extends FreshDatabase {
  readonly store: Store;
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('postgresUrl') });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** An empty database (not yet migrated) nobody else uses. */
export async function freshDatabase(dialect: TestDialect): Promise<FreshDatabase> {
  if (dialect === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'keyward-sqlite-'));
    return {
      database: join(dir, 'keyward.db'),
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const name = `keyward_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(inject('postgresUrl'));
  url.pathname = `/${name}`;
  return {
    database: url.toString(),
    cleanup: () => adminQuery(`drop database if exists ${name} with (force)`),
  };
}

/** An open, migrated store on a fresh database; `cleanup` closes it and drops the data. */
export async function freshStore(dialect: TestDialect): Promise<FreshStore> {
  const fresh = await freshDatabase(dialect);
  const store = await openStore(fresh.database);
  return {
    ...fresh,
    store,
    async cleanup() {
      await store.close();
      await fresh.cleanup();
    },
  };
}
