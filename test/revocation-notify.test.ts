// Revocation pushed to every instance on PostgreSQL: two services on one database, whose
// revision polls never run (only setInterval is faked, and the poll is an hour anyway), so
// only LISTEN/NOTIFY can explain one refusing a key the other disabled.
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LISTENER_APPLICATION_NAME } from '../src/store/revision-listener.js';
import { type Account, ATLAS, TestApi } from './support/api.js';
import { type FreshDatabase, freshDatabase } from './support/databases.js';

const NEVER = 3_600_000;
const WITHIN_MS = 200;

/** The backend pids of this database's revision listeners that have run their LISTEN. */
async function listeners(database: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      `select pid from pg_stat_activity
        where datname = current_database() and application_name = $1 and query like 'LISTEN%'`,
      [LISTENER_APPLICATION_NAME],
    );
    return rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('revocation by NOTIFY on PostgreSQL', () => {
  let fresh: FreshDatabase;
  let first: TestApi;
  let second: TestApi;

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    fresh = await freshDatabase('postgres');
    first = await TestApi.start({ database: fresh.database }, { revisionPollMs: NEVER });
    second = await first.anotherInstance({ revisionPollMs: NEVER });
    await until(
      'both listeners',
      () => listeners(fresh.database),
      (pids) => pids.length === 2,
    );
  });
  afterEach(async () => {
    await second.close();
    await first.close();
    await fresh.cleanup();
    vi.useRealTimers();
  });

  const profile = (account: Account) => `${ATLAS}/users/${account.user.id}`;

  /** Disables the account's key through the second instance; ms until the first refuses it. */
  async function refusalLatency(account: Account): Promise<number> {
    expect((await first.request({ url: profile(account), as: account })).statusCode).toBe(200);
    const url = `${profile(account)}/keys/${account.keyId}`;
    const patch = { method: 'PATCH' as const, url, body: { enabled: false }, as: account };
    expect((await second.request(patch)).statusCode).toBe(200);
    const committed = performance.now();
    if (process.env.KEYWARD_TEST_VERBOSE) {
      // The cache entry's drop alone, without the requests' own time.
      while (first.service.users.peek(account.username)) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      console.log(`[notify] cache dropped after ${(performance.now() - committed).toFixed(1)} ms`);
    }
    for (;;) {
      const status = (await first.request({ url: profile(account), as: account })).statusCode;
      const elapsed = performance.now() - committed;
      if (status !== 200 || elapsed > WITHIN_MS) {
        expect(status).toBe(401);
        return elapsed;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  it('refuses a key disabled through another instance within 200 ms', async () => {
    const ms = await refusalLatency(first.alice);
    if (process.env.KEYWARD_TEST_VERBOSE) console.log(`[notify] refused after ${ms.toFixed(1)} ms`);
  });

  it('listens again after its connection is killed, and still refuses at once', async () => {
    const before = await listeners(fresh.database);
    const admin = new pg.Client({ connectionString: fresh.database });
    await admin.connect();
    await admin.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [before]);
    await admin.end();
    await until(
      'new listeners',
      () => listeners(fresh.database),
      (pids) => pids.length === 2 && pids.every((pid) => !before.includes(pid)),
    );
    const ms = await refusalLatency(first.bob);
    if (process.env.KEYWARD_TEST_VERBOSE)
      console.log(`[notify] after re-LISTEN ${ms.toFixed(1)} ms`);
  });
});
