// Revocation by another process (the CLI, another instance) on PostgreSQL, when a commit
// reply of this server's own write is slow: a poll then sees that write before its writer
// has told the cache. The server must still refuse a key disabled elsewhere afterwards.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../src/store/open-store.js';
import { ATLAS, TestApi } from './support/api.js';
import { type CommitDelayProxy, startCommitDelayProxy } from './support/commit-delay-proxy.js';
import { type FreshDatabase, freshDatabase } from './support/databases.js';

const POLL_MS = 1000;

describe('revocation on PostgreSQL with a delayed commit reply', () => {
  let fresh: FreshDatabase;
  let proxy: CommitDelayProxy;
  let api: TestApi;

  beforeEach(async () => {
    // The revision poll runs only when the test moves its clock: the interleaving is exact.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    fresh = await freshDatabase('postgres');
    proxy = await startCommitDelayProxy(fresh.database);
    api = await TestApi.start({ database: proxy.url });
    // The accounts were written around the cache; settle that before the test starts.
    await api.service.users.refresh();
  });
  afterEach(async () => {
    await api.close();
    await proxy.close();
    await fresh.cleanup();
    vi.useRealTimers();
  });

  /** Alice's status codes, asked every 50 ms until she is refused or `ms` have passed. */
  async function aliceWithin(ms: number): Promise<number> {
    const deadline = Date.now() + ms;
    for (;;) {
      const url = `${ATLAS}/users/${api.alice.user.id}`;
      const status = (await api.request({ url, as: api.alice })).statusCode;
      if (status !== 200 || Date.now() > deadline) return status;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const ownWrites = {
    'disables a key': () => ({
      method: 'PATCH' as const,
      url: `${ATLAS}/users/${api.bob.user.id}/keys/${api.bob.keyId}`,
      body: { enabled: false },
      status: 200,
    }),
    'creates a key': () => ({
      method: 'POST' as const,
      url: `${ATLAS}/users/${api.bob.user.id}/keys`,
      body: { description: 'while the reply is slow' },
      status: 201,
    }),
  };

  it.each(Object.keys(ownWrites) as (keyof typeof ownWrites)[])(
    'refuses a key disabled elsewhere after this server %s with a slow commit reply',
    async (name) => {
      const write = ownWrites[name]();
      // Bob writes through this server; PostgreSQL commits, the reply waits in the proxy.
      const held = proxy.holdNextCommit();
      const response = api.request({ ...write, as: api.bob });
      await Promise.race([
        held,
        response.then((r) => {
          throw new Error(`answered ${r.statusCode} before its commit was held`);
        }),
      ]);
      // A poll sees bob's revision before bob's request has told the cache about it.
      await api.service.users.refresh();
      expect(await aliceWithin(0)).toBe(200); // alice is cached again, key enabled

      // The CLI disables alice's key, straight on PostgreSQL.
      const cli = await openStore(fresh.database);
      await cli.setKeyEnabled(api.alice.user.id, api.alice.keyId, false);
      expect((await cli.getKey(api.alice.user.id, api.alice.keyId))?.enabled).toBe(false);
      await cli.close();

      proxy.release();
      expect((await response).statusCode).toBe(write.status);
      // One tick of the server's own poll timer: alice is refused before the next one.
      vi.advanceTimersByTime(POLL_MS);
      expect(await aliceWithin(POLL_MS)).toBe(401);
    },
  );
});
