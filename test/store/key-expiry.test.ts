import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueKey, rollKey } from '../../src/domain/keys.js';
import type { UserRecord } from '../../src/domain/records.js';
import { createUser } from '../../src/domain/users.js';
import { dialects, type FreshStore, freshStore } from '../support/databases.js';

describe.each(dialects)('key expiry and last use on %s', (dialect) => {
  let fresh: FreshStore;
  let user: UserRecord;
  beforeEach(async () => {
    fresh = await freshStore(dialect);
    const created = await createUser(fresh.store, { username: 'expiring' });
    if (!created.ok) throw new Error(created.error);
    user = created.value;
  });
  afterEach(() => fresh.cleanup());

  const request = { realm: 'r', maxKeysPerUser: 10 };
  const issue = async (expiresInMs?: number) => {
    const issued = await issueKey(fresh.store, {
      ...request,
      user,
      description: 'd',
      ...(expiresInMs === undefined ? {} : { expiresInMs }),
    });
    if (!issued.ok) throw new Error(issued.error);
    return issued.value;
  };

  it('stores the expiry and hands it to the hot path with the credential', async () => {
    const issued = await issue(90 * 86_400_000);
    const credentials = await fresh.store.loadCredentials('expiring');
    if (!credentials || !('user' in credentials)) throw new Error('no credentials');
    expect(credentials.keys[0]?.expiresAtMs).toBe(Date.parse(issued.record.expiresAt ?? ''));
    expect(issued.credential.expiresAtMs).toBe(credentials.keys[0]?.expiresAtMs);
    expect((await fresh.store.getKey(user.id, issued.record.id))?.expiresAt).toBe(
      issued.record.expiresAt,
    );
  });

  it('rolls in one transaction, keeping an old expiry sooner than the overlap', async () => {
    const soon = await issue(60_000);
    const rolled = await rollKey(fresh.store, {
      ...request,
      user,
      keyId: soon.record.id,
      overlapMs: 86_400_000,
    });
    if (!rolled.ok) throw new Error(rolled.error);
    expect(rolled.value.old.expiresAt).toBe(soon.record.expiresAt);
    expect(rolled.value.record.description).toBe('d');
    const forever = await issue();
    const again = await rollKey(fresh.store, {
      ...request,
      user,
      keyId: forever.record.id,
      overlapMs: 3_600_000,
    });
    if (!again.ok) throw new Error(again.error);
    const left = Date.parse(again.value.old.expiresAt ?? '') - Date.now();
    expect(left).toBeGreaterThan(3_590_000);
    expect(left).toBeLessThanOrEqual(3_600_000);
    const held = await fresh.store.listKeys(user.id, { offset: 0, limit: 10, includeCount: true });
    expect(held.total).toBe(4);
  });

  it('keeps where the latest use came from, whichever flush lands last', async () => {
    const { record } = await issue();
    await fresh.store.applyUsage([
      { keyId: record.id, count: 1, lastUsed: '2026-11-24T10:00:00Z', lastUsedAddress: '10.0.0.2' },
      {
        keyId: record.id,
        count: 1,
        lastUsed: '2026-11-24T10:00:05Z',
        lastUsedAddress: '10.0.0.5',
        lastUsedUserAgent: 'curl/8',
      },
    ]);
    // An older flush (another instance, late) does not overwrite the newer use.
    await fresh.store.applyUsage([
      { keyId: record.id, count: 1, lastUsed: '2026-11-24T09:00:00Z', lastUsedAddress: '10.0.0.9' },
    ]);
    expect(await fresh.store.getKey(user.id, record.id)).toMatchObject({
      usedCount: 3,
      lastUsed: '2026-11-24T10:00:05Z',
      lastUsedAddress: '10.0.0.5',
      lastUsedUserAgent: 'curl/8',
    });
  });
});
