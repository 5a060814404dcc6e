// When a server cannot reach the database, it cannot learn of revocations: after a bound it
// must refuse to authenticate from its cache (503) rather than keep accepting keys another
// process may have disabled, and it must come back by itself when the database answers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/open-store.js';
import { type Account, ATLAS, TestApi } from './support/api.js';
import { type CommitDelayProxy, startCommitDelayProxy } from './support/commit-delay-proxy.js';
import { type FreshDatabase, freshDatabase } from './support/databases.js';

// Three unanswered polls make the bound; a loaded test machine needs polls this long.
const POLL_MS = 500;
/** The bound, plus one poll and the machine's own slowness. */
const BOUND_MS = 3 * POLL_MS + POLL_MS + 500;

describe('authentication when the database is unreachable', () => {
  let fresh: FreshDatabase;
  let proxy: CommitDelayProxy;
  let api: TestApi;

  beforeEach(async () => {
    fresh = await freshDatabase('postgres');
    proxy = await startCommitDelayProxy(fresh.database);
    api = await TestApi.start({ database: proxy.url }, { revisionPollMs: POLL_MS });
  });
  afterEach(async () => {
    proxy.restore();
    await api.close();
    await proxy.close();
    await fresh.cleanup();
  });

  const status = async (account: Account) =>
    (await api.request({ url: `${ATLAS}/users/${account.user.id}`, as: account })).statusCode;

  /**
   * Asks every 20 ms until the answer is `wanted`, or `ms` after `since`; returns the last
   * answer and when it came. Until the bound, a key not cached gets a 503 (its load fails).
   */
  async function until(wanted: number, account: Account, since: number, ms: number) {
    for (;;) {
      const now = await status(account);
      const elapsed = performance.now() - since;
      if (now === wanted || elapsed > ms) return { status: now, ms: elapsed };
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('answers 503 instead of a cached 200 for a key revoked meanwhile, then recovers', async () => {
    const { alice, bob } = api;
    expect((await until(200, alice, performance.now(), 5000)).status).toBe(200);
    expect((await until(200, bob, performance.now(), 5000)).status).toBe(200);

    const cutAt = performance.now();
    proxy.cut();
    // The CLI, which still reaches the database, disables alice's key; this server cannot know.
    const cli = await openStore(fresh.database);
    await cli.setKeyEnabled(alice.user.id, alice.keyId, false);
    await cli.close();

    // A user this server never loaded cannot be checked at all: 503 at once, never a 500.
    const uncached = await api.request({ url: `${ATLAS}/users/${api.root.user.id}`, as: api.root });
    expect(uncached.statusCode).toBe(503);
    expect(uncached.headers['retry-after']).toBe('1');
    expect(uncached.json()).toMatchObject({ errorCode: 'SERVICE_UNAVAILABLE', error: 503 });

    const closed = await until(503, alice, cutAt, BOUND_MS);
    expect(closed.status).toBe(503);
    // The route's own query may fail first (503 too); past the bound, authentication itself
    // refuses the cached key.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, cutAt + BOUND_MS - performance.now())),
    );
    const refused = await api.request({ url: `${ATLAS}/users/${alice.user.id}`, as: alice });
    expect(refused.json()).toEqual({
      detail: 'Credentials cannot be checked now: the database is not reachable.',
      error: 503,
      errorCode: 'SERVICE_UNAVAILABLE',
      parameters: [],
      reason: 'Service Unavailable',
    });
    expect(await status(bob)).toBe(503);
    // Without credentials, the challenge as ever: it needs no database.
    expect((await api.request({ url: `${ATLAS}/users/${bob.user.id}` })).statusCode).toBe(401);

    const restoredAt = performance.now();
    proxy.restore();
    const recovered = await until(200, bob, restoredAt, 5000);
    expect(recovered.status).toBe(200);
    expect((await until(401, alice, restoredAt, 5000)).status).toBe(401);
    if (process.env.KEYWARD_TEST_VERBOSE) {
      console.log(
        `[fail-closed] 503 after ${closed.ms.toFixed(0)} ms, 200 again after ${recovered.ms.toFixed(0)} ms`,
      );
    }
  });
});
