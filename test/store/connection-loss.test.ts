// A PostgreSQL connection lost under the store (the database restarted, or cut off) fails
// the query it carried and nothing else: the process goes on and the store works again
// once the database answers. An unheard connection error would end the whole process.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { type CommitDelayProxy, startCommitDelayProxy } from '../support/commit-delay-proxy.js';
import { type FreshDatabase, freshDatabase } from '../support/databases.js';

describe('a lost PostgreSQL connection', () => {
  let fresh: FreshDatabase;
  let proxy: CommitDelayProxy;
  let store: Store;
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);

  beforeEach(async () => {
    // Vitest would report these too, but only after the test passed.
    process.on('uncaughtException', record);
    fresh = await freshDatabase('postgres');
    proxy = await startCommitDelayProxy(fresh.database);
    store = await openStore(proxy.url);
  });
  afterEach(async () => {
    process.off('uncaughtException', record);
    uncaught.length = 0;
    await store.close();
    await proxy.close();
    await fresh.cleanup();
  });

  const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

  it('fails the query in flight, does not end the process, and works again after', async () => {
    // A write whose COMMIT reply is held: its connection is busy when it is cut.
    const held = proxy.holdNextCommit();
    const write = store.insertKeys([]);
    await held;
    proxy.cut();
    await expect(write).rejects.toThrow();
    await settle();
    expect(uncaught).toEqual([]);

    proxy.restore();
    expect(await store.credentialsRevision()).toBeGreaterThanOrEqual(0);
  });

  it('drops an idle connection that dies without ending the process', async () => {
    await store.credentialsRevision(); // leaves a connection idle in the pool
    proxy.cut();
    await settle();
    expect(uncaught).toEqual([]);
    proxy.restore();
    expect(await store.credentialsRevision()).toBeGreaterThanOrEqual(0);
  });
});
