import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { issueKey } from '../src/domain/keys.js';
import { ConfigurationError, createService } from '../src/service.js';
import { openStore } from '../src/store/open-store.js';
import { ATLAS, TestApi, testConfig } from './support/api.js';

const silent = pino({ level: 'silent' });

describe('the service', () => {
  const folders: string[] = [];
  const tempDb = () => {
    const folder = mkdtempSync(join(tmpdir(), 'keyward-service-'));
    folders.push(folder);
    return join(folder, 'keyward.db');
  };
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  it('keeps the realm a database was first given, and refuses another one', async () => {
    const database = tempDb();
    const first = await createService(testConfig(database, { realm: 'Realm One' }), silent);
    expect(first.realm).toBe('Realm One');
    await first.close();
    const again = await createService(testConfig(database), silent);
    expect(again.realm).toBe('Realm One');
    await again.close();
    await expect(
      createService(testConfig(database, { realm: 'Other' }), silent),
    ).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('writes pending usage counts when it closes', async () => {
    const database = tempDb();
    const api = await TestApi.start({ database, usageFlushIntervalMs: 60_000 });
    const { alice } = api;
    for (let i = 0; i < 5; i++)
      await api.request({ url: `${ATLAS}/users/${alice.user.id}`, as: alice });
    // Nothing is written yet (the interval is a minute), but the count is already current.
    expect((await api.service.store.getKey(alice.user.id, alice.keyId))?.usedCount).toBe(0);
    expect(api.service.usage.unflushed(alice.keyId)?.count).toBe(5);
    await api.close();
    const reopened = await openStore(database);
    try {
      const key = await reopened.getKey(alice.user.id, alice.keyId);
      expect(key?.usedCount).toBe(5);
      expect(key?.lastUsed).toMatch(/Z$/);
    } finally {
      await reopened.close();
    }
  });

  it('notices keys disabled by another process within a revision poll', async () => {
    const api = await TestApi.start();
    try {
      const { alice } = api;
      const url = `${ATLAS}/users/${alice.user.id}`;
      expect((await api.request({ url, as: alice })).statusCode).toBe(200);
      // Another writer (as the CLI would be) disables the key behind the server's back.
      const other = await openStore(api.database);
      await other.setKeyEnabled(alice.user.id, alice.keyId, false);
      await other.close();
      expect((await api.request({ url, as: alice })).statusCode).toBe(200); // still cached
      await api.service.users.refresh();
      expect((await api.request({ url, as: alice })).statusCode).toBe(401);
      // Keys created elsewhere appear in the (cached) list once the revision moves.
      const bobKeys = `${ATLAS}/users/${api.bob.user.id}/keys`;
      expect((await api.request({ url: bobKeys, as: api.bob })).json().totalCount).toBe(1);
      const third = await openStore(api.database);
      await issueKey(third, {
        user: api.bob.user,
        description: 'cli',
        realm: api.service.realm,
        maxKeysPerUser: 100,
      });
      await third.close();
      await api.service.users.refresh();
      expect((await api.request({ url: bobKeys, as: api.bob })).json().totalCount).toBe(2);
    } finally {
      await api.close();
    }
  });
});
