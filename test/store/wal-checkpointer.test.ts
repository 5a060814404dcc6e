import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newObjectId } from '../../src/domain/ids.js';
import { keyMaterial } from '../../src/domain/keys.js';
import { createUser } from '../../src/domain/users.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

describe("a server's SQLite store checkpoints in a worker thread", () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'keyward-checkpoint-'));
  });
  afterEach(() => rm(folder, { recursive: true, force: true }));

  // A few hundred pages: below the 1,000 at which a connection checkpoints in its commit.
  const write = async (store: Store) => {
    const user = await createUser(store, { username: 'wal' });
    if (!user.ok) throw new Error(user.error);
    const material = keyMaterial('wal', 'r');
    await store.insertKeys(
      Array.from({ length: 600 }, (_, i) => ({
        id: newObjectId(),
        userId: user.value.id,
        description: `key ${i} ${'x'.repeat(200)}`,
        createdAt: '2026-11-29T00:00:00Z',
        suffix: material.suffix,
        ha1: material.ha1,
      })),
    );
  };

  it('copies committed pages into the database file within a second or two, off the writer', async () => {
    const path = join(folder, 'k.db');
    const store = await openStore(path, { checkpointInWorker: true });
    try {
      await write(store);
      const written = statSync(path).size;
      let size = written;
      // Until the pages are in, not merely until the file grows: a checkpoint caught halfway
      // shows a file partly extended.
      for (let i = 0; i < 60 && size <= written + 100_000; i++) {
        await sleep(50);
        size = statSync(path).size;
      }
      expect(size).toBeGreaterThan(written + 100_000);
      const keys = await store.listKeys((await store.getUserByUsername('wal'))!.id, {
        offset: 0,
        limit: 1000,
        includeCount: true,
      });
      expect(keys.total).toBe(600);
    } finally {
      await store.close();
    }
    // The worker's connection, closed last, folded the WAL in and removed it before close
    // returned: nothing is left to race a removal of the folder.
    expect(readdirSync(folder)).toEqual(['k.db']);
  });
});
