import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newObjectId } from '../../src/domain/ids.js';
import { issueKey } from '../../src/domain/keys.js';
import type { UserRecord } from '../../src/domain/records.js';
import { createUser, type UserRequest } from '../../src/domain/users.js';
import type { Store } from '../../src/store/store.js';
import { dialects, type FreshStore, freshStore } from '../support/databases.js';

async function user(store: Store, request: UserRequest): Promise<UserRecord> {
  const created = await createUser(store, request);
  if (!created.ok) throw new Error(created.error);
  return created.value;
}

async function key(store: Store, owner: UserRecord, description: string): Promise<string> {
  const issued = await issueKey(store, { user: owner, description, realm: 'r', maxKeysPerUser: 9 });
  if (!issued.ok) throw new Error(issued.error);
  return issued.value.record.id;
}

describe.each(dialects)('what the web console reads and writes, on %s', (dialect) => {
  let fresh: FreshStore;
  let store: Store;
  beforeEach(async () => {
    fresh = await freshStore(dialect);
    store = fresh.store;
  });
  afterEach(() => fresh.cleanup());

  it('searches users by username, names and email, case-insensitively, with LIKE wildcards literal', async () => {
    await user(store, { username: 'alice@example.com', firstName: 'Alice', lastName: 'Liddell' });
    await user(store, { username: 'bob', emailAddress: 'BOB@Builders.org' });
    await user(store, { username: 'carol_100%' });
    const names = async (search: string) => {
      const page = await store.listUsers({ offset: 0, limit: 10, includeCount: true }, search);
      return { names: page.items.map((u) => u.username).sort(), total: page.total };
    };
    expect(await names('LIDDELL')).toEqual({ names: ['alice@example.com'], total: 1 });
    expect(await names('builders')).toEqual({ names: ['bob'], total: 1 });
    expect(await names('_100%')).toEqual({ names: ['carol_100%'], total: 1 });
    expect(await names('%')).toEqual({ names: ['carol_100%'], total: 1 });
    expect(await names('o')).toEqual({
      names: ['alice@example.com', 'bob', 'carol_100%'],
      total: 3,
    });
    expect(await names('nobody')).toEqual({ names: [], total: 0 });
  });

  it('ranks an org’s busiest keys over a period, members only', async () => {
    const org = { id: newObjectId(), name: 'Busy', createdAt: '2026-11-01T00:00:00Z' };
    expect((await store.createOrg(org)).ok).toBe(true);
    const member = await user(store, {
      username: 'm',
      org: { orgId: org.id, roleName: 'ORG_MEMBER' },
    });
    const outsider = await user(store, { username: 'o' });
    const [quiet, busy, old, foreign] = [
      await key(store, member, 'quiet'),
      await key(store, member, 'busy'),
      await key(store, member, 'old'),
      await key(store, outsider, 'foreign'),
    ];
    await store.applyUsage([
      { keyId: quiet, count: 2, lastUsed: '2026-11-20T10:00:00Z' },
      { keyId: busy, count: 5, lastUsed: '2026-11-20T10:00:00Z' },
      { keyId: old, count: 50, lastUsed: '2026-10-01T10:00:00Z' },
      { keyId: foreign, count: 99, lastUsed: '2026-11-20T10:00:00Z' },
    ]);
    await store.applyUsage([{ keyId: busy, count: 1, lastUsed: '2026-11-21T10:00:00Z' }]);
    const busiest = await store.busiestKeys(org.id, '2026-11-01', 10);
    expect(busiest.map((b) => [b.key.description, b.username, b.requests])).toEqual([
      ['busy', 'm', 6],
      ['quiet', 'm', 2],
    ]);
    expect(busiest[0]?.key.usedCount).toBe(6);
    expect(await store.busiestKeys(org.id, '2026-11-01', 1)).toHaveLength(1);
  });

  it('knows when someone can sign in to the console', async () => {
    expect(await store.hasConsoleAccount()).toBe(false);
    await user(store, { username: 'owner-without-password', globalOwner: true });
    await user(store, { username: 'member-with-password', passwordHash: 'scrypt$x' });
    expect(await store.hasConsoleAccount()).toBe(false);
    expect(await store.setPasswordHash('owner-without-password', 'scrypt$y')).toBe(true);
    expect(await store.hasConsoleAccount()).toBe(true);
  });

  it('keeps sessions until deleted, expired or idle, and a new password ends them', async () => {
    const owner = await user(store, { username: 'owner', globalOwner: true });
    const session = (idHash: string, expiresAt: string) => ({
      idHash,
      userId: owner.id,
      csrfToken: `csrf-${idHash}`,
      createdAt: '2026-11-25T10:00:00Z',
      expiresAt,
      lastSeenAt: '2026-11-25T10:00:00Z',
    });
    await store.createConsoleSession(session('a', '2026-11-25T12:00:00Z'));
    await store.createConsoleSession(session('b', '2026-11-25T18:00:00Z'));
    await store.createConsoleSession(session('c', '2026-11-25T18:00:00Z'));
    await store.createConsoleSession(session('idle', '2026-11-25T18:00:00Z'));
    expect(await store.findConsoleSession('a')).toEqual(session('a', '2026-11-25T12:00:00Z'));
    await store.touchConsoleSession('b', '2026-11-25T12:45:00Z');
    await store.touchConsoleSession('c', '2026-11-25T12:45:00Z');
    expect((await store.findConsoleSession('b'))?.lastSeenAt).toBe('2026-11-25T12:45:00Z');
    // At 13:00 with a 30-minute idle limit: 'a' has expired, 'idle' was last used at 10:00.
    expect(
      await store.deleteExpiredConsoleSessions('2026-11-25T13:00:00Z', '2026-11-25T12:30:00Z'),
    ).toBe(2);
    expect(await store.findConsoleSession('a')).toBeUndefined();
    expect(await store.findConsoleSession('idle')).toBeUndefined();
    await store.deleteConsoleSession('b');
    expect(await store.findConsoleSession('b')).toBeUndefined();
    expect(await store.findConsoleSession('c')).toBeDefined();
    expect(await store.setPasswordHash('owner', 'scrypt$new')).toBe(true);
    expect(await store.findConsoleSession('c')).toBeUndefined();
  });

  it('holds one sealed reveal per session, gives it up once, and drops it with its session', async () => {
    const owner = await user(store, { username: 'owner', globalOwner: true });
    const session = {
      userId: owner.id,
      createdAt: '2026-11-25T10:00:00Z',
      expiresAt: '2026-11-26T10:00:00Z',
      lastSeenAt: '2026-11-25T10:00:00Z',
    };
    await store.createConsoleSession({ ...session, idHash: 's1', csrfToken: 't1' });
    await store.createConsoleSession({ ...session, idHash: 's2', csrfToken: 't2' });
    const reveal = (sessionHash: string, sealed: string, expiresAt = '2026-11-25T10:01:00Z') => ({
      sessionHash,
      userId: owner.id,
      keyId: 'k'.repeat(24),
      sealed,
      expiresAt,
    });
    const now = '2026-11-25T10:00:00Z';

    await store.putConsoleReveal(reveal('s1', 'first'), now);
    await store.putConsoleReveal(reveal('s1', 'second'), now);
    expect(await store.takeConsoleReveal('s1', 'x'.repeat(24))).toBeUndefined();
    expect(await store.takeConsoleReveal('s1', owner.id)).toEqual(reveal('s1', 'second'));
    expect(await store.takeConsoleReveal('s1', owner.id)).toBeUndefined();

    // Writing one sweeps out the expired ones.
    await store.putConsoleReveal(reveal('s1', 'stale', '2026-11-25T09:00:00Z'), now);
    await store.putConsoleReveal(reveal('s2', 'fresh'), now);
    expect(await store.takeConsoleReveal('s1', owner.id)).toBeUndefined();

    await store.deleteConsoleSession('s2');
    expect(await store.takeConsoleReveal('s2', owner.id)).toBeUndefined();
  });
});
