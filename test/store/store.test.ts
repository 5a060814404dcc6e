// The one storage suite: every behaviour of the Store, against SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ha1Set, PageRequest } from '../../src/domain/records.js';
import { openStore } from '../../src/store/open-store.js';
import type { NewApiKey, NewUser, Store } from '../../src/store/store.js';
import { dialects, type FreshStore, freshStore } from '../support/databases.js';

/** Ids that sort in creation order, like real ObjectIds. */
let sequence = 0;
const nextId = () => (++sequence).toString(16).padStart(24, '0');
const T0 = '2018-05-14T14:45:22Z';
const all = (limit = 100): PageRequest => ({ offset: 0, limit, includeCount: true });

const ha1 = (tag: string): Ha1Set => ({
  MD5: `md5-${tag}`,
  'SHA-256': `sha256-${tag}`,
  'SHA-512-256': `sha512-${tag}`,
});

function newUser(username: string, extra: Partial<NewUser> = {}): NewUser {
  return {
    id: nextId(),
    username,
    firstName: 'Ada',
    lastName: 'Lovelace',
    emailAddress: `${username}@example.com`,
    createdAt: T0,
    globalRoles: [],
    orgRoles: [],
    ...extra,
  };
}

function newKey(userId: string, description = 'a key'): NewApiKey {
  const id = nextId();
  return { id, userId, description, createdAt: T0, suffix: id.slice(-12), ha1: ha1(id) };
}

describe.each(dialects)('store on %s', (dialect) => {
  let fresh: FreshStore;
  let store: Store;

  beforeEach(async () => {
    fresh = await freshStore(dialect);
    store = fresh.store;
  });
  afterEach(() => fresh.cleanup());

  async function createOrg(name: string) {
    const org = { id: nextId(), name, createdAt: T0 };
    const created = await store.createOrg(org);
    expect(created).toEqual({ ok: true, value: org });
    return org;
  }

  /** A probe answering "did the credentials revision move since last asked?" */
  async function revisionWatch() {
    let last = await store.credentialsRevision();
    return async () => {
      const now = await store.credentialsRevision();
      const grew = now > last;
      last = now;
      return grew;
    };
  }

  async function createUser(username: string, extra: Partial<NewUser> = {}) {
    const created = await store.createUser(newUser(username, extra));
    if (!created.ok) throw new Error(`createUser failed: ${created.error}`);
    return created.value;
  }

  it('reports its dialect and answers a ping', async () => {
    expect(store.dialect).toBe(dialect);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  describe('orgs', () => {
    it('creates, reads and lists orgs ordered by id', async () => {
      const a = await createOrg('Alpha');
      const b = await createOrg('Beta');
      const c = await createOrg('Gamma');
      expect(await store.getOrg(b.id)).toEqual(b);
      expect(await store.getOrg(nextId())).toBeUndefined();
      expect(await store.listOrgs(all())).toEqual({ items: [a, b, c], total: 3 });
      expect(await store.listOrgs({ offset: 1, limit: 1, includeCount: true })).toEqual({
        items: [b],
        total: 3,
      });
      const uncounted = await store.listOrgs({ offset: 2, limit: 5, includeCount: false });
      expect(uncounted.items).toEqual([c]);
      expect(uncounted.total).toBeUndefined();
    });

    it('deletes an org with its memberships, keeping its members', async () => {
      const org = await createOrg('Doomed');
      const other = await createOrg('Other');
      const ada = await createUser('ada', {
        orgRoles: [
          { orgId: org.id, roleName: 'ORG_OWNER' },
          { orgId: other.id, roleName: 'ORG_MEMBER' },
        ],
      });
      const key = newKey(ada.id);
      await store.createKey(key, 10);
      const bumped = await revisionWatch();

      expect((await store.deleteOrg(org.id)).ok).toBe(true);
      expect(await bumped()).toBe(true);
      expect(await store.getOrg(org.id)).toBeUndefined();
      expect((await store.getUserById(ada.id))?.orgRoles).toEqual([
        { orgId: other.id, roleName: 'ORG_MEMBER' },
      ]);
      expect(await store.getKey(ada.id, key.id)).toBeDefined();
      expect(await store.deleteOrg(org.id)).toEqual({ ok: false, error: 'org-not-found' });
      expect(await bumped()).toBe(false);
    });

    it('refuses a duplicate name and keeps the first', async () => {
      const first = await createOrg('Acme');
      expect(await store.createOrg({ id: nextId(), name: 'Acme', createdAt: T0 })).toEqual({
        ok: false,
        error: 'name-taken',
      });
      expect(await store.listOrgs(all())).toEqual({ items: [first], total: 1 });
    });
  });

  describe('users', () => {
    it('creates a user with memberships and global roles in one go', async () => {
      const a = await createOrg('A');
      const b = await createOrg('B');
      const spec = newUser('ada', {
        globalRoles: ['GLOBAL_OWNER'],
        orgRoles: [
          { orgId: b.id, roleName: 'ORG_MEMBER' },
          { orgId: a.id, roleName: 'ORG_OWNER' },
        ],
      });
      const created = await store.createUser(spec);
      const expected = {
        id: spec.id,
        username: 'ada',
        firstName: 'Ada',
        lastName: 'Lovelace',
        emailAddress: 'ada@example.com',
        createdAt: T0,
        globalRoles: ['GLOBAL_OWNER'],
        orgRoles: [
          { orgId: a.id, roleName: 'ORG_OWNER' },
          { orgId: b.id, roleName: 'ORG_MEMBER' },
        ],
      };
      expect(created).toEqual({ ok: true, value: expected, revision: expect.any(Number) });
      expect(await store.getUserById(spec.id)).toEqual(expected);
      expect(await store.getUserByUsername('ada')).toEqual(expected);
      expect(await store.getUserByUsername('nobody')).toBeUndefined();
      expect(await store.getUserById(nextId())).toBeUndefined();
    });

    it('refuses a duplicate username and writes nothing of the second user', async () => {
      const org = await createOrg('Acme');
      const first = await createUser('ada');
      const revision = await store.credentialsRevision();
      const dup = newUser('ada', {
        globalRoles: ['GLOBAL_OWNER'],
        orgRoles: [{ orgId: org.id, roleName: 'ORG_OWNER' }],
      });
      expect(await store.createUser(dup)).toEqual({ ok: false, error: 'username-taken' });
      expect(await store.getUserById(dup.id)).toBeUndefined();
      expect(await store.listUsers(all())).toEqual({ items: [first], total: 1 });
      expect((await store.listOrgUsers(org.id, all())).total).toBe(0);
      expect(await store.credentialsRevision()).toBe(revision);
    });

    it('rolls the user back when a membership names a missing org', async () => {
      const org = await createOrg('Acme');
      const revision = await store.credentialsRevision();
      const spec = newUser('ada', {
        globalRoles: ['GLOBAL_OWNER'],
        orgRoles: [
          { orgId: org.id, roleName: 'ORG_OWNER' },
          { orgId: nextId(), roleName: 'ORG_MEMBER' },
        ],
      });
      expect(await store.createUser(spec)).toEqual({ ok: false, error: 'org-not-found' });
      expect(await store.getUserByUsername('ada')).toBeUndefined();
      expect((await store.listOrgUsers(org.id, all())).total).toBe(0);
      expect(await store.credentialsRevision()).toBe(revision);
      // The name is free again: nothing half-written holds it.
      expect((await store.createUser(newUser('ada'))).ok).toBe(true);
    });

    it('lists users with their roles, paged by id', async () => {
      const org = await createOrg('Acme');
      const users = [];
      for (const name of ['u1', 'u2', 'u3', 'u4', 'u5']) {
        users.push(
          await createUser(name, {
            orgRoles: name === 'u2' ? [] : [{ orgId: org.id, roleName: 'ORG_READ_ONLY' }],
            globalRoles: name === 'u4' ? ['GLOBAL_OWNER'] : [],
          }),
        );
      }
      expect(await store.listUsers(all())).toEqual({ items: users, total: 5 });
      expect(await store.listUsers({ offset: 3, limit: 10, includeCount: true })).toEqual({
        items: users.slice(3),
        total: 5,
      });
      const page = await store.listUsers({ offset: 1, limit: 3, includeCount: false });
      expect(page.items.map((u) => u.username)).toEqual(['u2', 'u3', 'u4']);
      expect(page.items[2]?.globalRoles).toEqual(['GLOBAL_OWNER']);
      expect(page.total).toBeUndefined();

      const members = await store.listOrgUsers(org.id, { offset: 1, limit: 2, includeCount: true });
      expect(members.items.map((u) => u.username)).toEqual(['u3', 'u4']);
      expect(members.total).toBe(4);
      expect(members.items[0]?.orgRoles).toEqual([{ orgId: org.id, roleName: 'ORG_READ_ONLY' }]);
      expect(await store.listOrgUsers(nextId(), all())).toEqual({ items: [], total: 0 });
    });

    it('adds and replaces memberships', async () => {
      const a = await createOrg('A');
      const b = await createOrg('B');
      const user = await createUser('ada', { orgRoles: [{ orgId: a.id, roleName: 'ORG_MEMBER' }] });

      const replaced = await store.setMembership(user.id, a.id, 'ORG_OWNER');
      expect(replaced.ok && replaced.value.orgRoles).toEqual([
        { orgId: a.id, roleName: 'ORG_OWNER' },
      ]);
      const added = await store.setMembership(user.id, b.id, 'ORG_BILLING_ADMIN');
      const roles = [
        { orgId: a.id, roleName: 'ORG_OWNER' },
        { orgId: b.id, roleName: 'ORG_BILLING_ADMIN' },
      ];
      expect(added.ok && added.value.orgRoles).toEqual(roles);
      expect((await store.getUserById(user.id))?.orgRoles).toEqual(roles);
      expect((await store.listOrgUsers(b.id, all())).items.map((u) => u.id)).toEqual([user.id]);

      expect(await store.setMembership(nextId(), a.id, 'ORG_OWNER')).toEqual({
        ok: false,
        error: 'user-not-found',
      });
      expect(await store.setMembership(user.id, nextId(), 'ORG_OWNER')).toEqual({
        ok: false,
        error: 'org-not-found',
      });
      expect((await store.getUserById(user.id))?.orgRoles).toEqual(roles);
    });

    it('updates only the profile fields it is given', async () => {
      const ada = await createUser('ada');
      const bumped = await revisionWatch();
      const updated = await store.updateProfile(ada.id, { lastName: 'Byron', emailAddress: '' });
      expect(updated.ok && updated.value).toMatchObject({
        username: 'ada',
        firstName: 'Ada',
        lastName: 'Byron',
        emailAddress: '',
      });
      expect(await bumped()).toBe(true);
      expect((await store.getUserById(ada.id))?.lastName).toBe('Byron');
      expect(await store.updateProfile(nextId(), { firstName: 'x' })).toEqual({
        ok: false,
        error: 'user-not-found',
      });
    });

    it('removes memberships and grants or revokes GLOBAL_OWNER, bumping the revision', async () => {
      const org = await createOrg('Acme');
      const ada = await createUser('ada', { orgRoles: [{ orgId: org.id, roleName: 'ORG_OWNER' }] });
      const bumped = await revisionWatch();

      const granted = await store.setGlobalRole(ada.id, 'GLOBAL_OWNER', true);
      expect(granted.ok && granted.value.globalRoles).toEqual(['GLOBAL_OWNER']);
      expect(await bumped()).toBe(true);
      const again = await store.setGlobalRole(ada.id, 'GLOBAL_OWNER', true);
      expect(again.ok && again.value.globalRoles).toEqual(['GLOBAL_OWNER']);
      const revoked = await store.setGlobalRole(ada.id, 'GLOBAL_OWNER', false);
      expect(revoked.ok && revoked.value.globalRoles).toEqual([]);
      expect(await bumped()).toBe(true);

      const removed = await store.removeMembership(ada.id, org.id);
      expect(removed.ok && removed.value.orgRoles).toEqual([]);
      expect(await bumped()).toBe(true);
      expect((await store.listOrgUsers(org.id, all())).total).toBe(0);
      expect(await store.removeMembership(ada.id, org.id)).toEqual({
        ok: false,
        error: 'membership-not-found',
      });
      expect(await store.removeMembership(nextId(), org.id)).toEqual({
        ok: false,
        error: 'user-not-found',
      });
      expect(await store.setGlobalRole(nextId(), 'GLOBAL_OWNER', true)).toEqual({
        ok: false,
        error: 'user-not-found',
      });
      expect(await bumped()).toBe(false);
    });

    it('deletes a user with everything that was theirs, and nobody else’s', async () => {
      const org = await createOrg('Acme');
      const member = { orgRoles: [{ orgId: org.id, roleName: 'ORG_MEMBER' as const }] };
      const ada = await createUser('ada', { ...member, globalRoles: ['GLOBAL_OWNER'] });
      const bob = await createUser('bob', member);
      const key = newKey(ada.id);
      await store.createKey(key, 10);
      await store.createKey(newKey(bob.id), 10);
      await store.applyUsage([{ keyId: key.id, count: 2, lastUsed: T0 }]);
      await store.createConsoleSession({
        idHash: 'h'.repeat(64),
        userId: ada.id,
        csrfToken: 't',
        createdAt: T0,
        expiresAt: '2999-01-01T00:00:00Z',
        lastSeenAt: T0,
      });
      const revision = await store.credentialsRevision();

      expect((await store.deleteUser(ada.id)).ok).toBe(true);
      expect(await store.credentialsRevision()).toBeGreaterThan(revision);
      expect(await store.getUserById(ada.id)).toBeUndefined();
      expect(await store.loadCredentials('ada')).toBeUndefined();
      expect(await store.getKey(ada.id, key.id)).toBeUndefined();
      expect(await store.dailyUsage([key.id], '2000-01-01')).toEqual([]);
      expect(await store.findConsoleSession('h'.repeat(64))).toBeUndefined();
      expect((await store.listOrgUsers(org.id, all())).items.map((u) => u.username)).toEqual([
        'bob',
      ]);
      expect((await store.listKeys(bob.id, all())).total).toBe(1);

      expect(await store.deleteUser(ada.id)).toEqual({ ok: false, error: 'user-not-found' });
      // The username is free again, for a new user with a new id.
      expect((await createUser('ada')).id).not.toBe(ada.id);
    });
  });

  describe('keys', () => {
    it('creates a key and reads it back without lastUsed', async () => {
      const user = await createUser('ada');
      const spec = newKey(user.id, 'ci');
      const expected = {
        id: spec.id,
        userId: user.id,
        description: 'ci',
        enabled: true,
        createdAt: T0,
        usedCount: 0,
        suffix: spec.suffix,
      };
      expect(await store.createKey(spec, 20)).toEqual({
        ok: true,
        value: expected,
        revision: expect.any(Number),
      });
      const read = await store.getKey(user.id, spec.id);
      expect(read).toEqual(expected);
      expect(read && 'lastUsed' in read).toBe(false);
      expect(await store.createKey(newKey(nextId()), 20)).toEqual({
        ok: false,
        error: 'user-not-found',
      });
    });

    it('enforces the per-user cap, per user', async () => {
      const ada = await createUser('ada');
      const bob = await createUser('bob');
      for (let i = 0; i < 3; i++) expect((await store.createKey(newKey(ada.id), 3)).ok).toBe(true);
      const revision = await store.credentialsRevision();
      expect(await store.createKey(newKey(ada.id), 3)).toEqual({
        ok: false,
        error: 'too-many-keys',
      });
      expect(await store.credentialsRevision()).toBe(revision);
      expect((await store.listKeys(ada.id, all())).total).toBe(3);
      expect((await store.createKey(newKey(bob.id), 3)).ok).toBe(true);
      // Deleting one makes room again.
      const first = (await store.listKeys(ada.id, all())).items[0]!;
      expect((await store.deleteKey(ada.id, first.id)).ok).toBe(true);
      expect((await store.createKey(newKey(ada.id), 3)).ok).toBe(true);
    });

    it('cannot exceed the cap with concurrent creates', async () => {
      const user = await createUser('ada');
      const results = await Promise.all(
        Array.from({ length: 12 }, () => store.createKey(newKey(user.id), 5)),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(5);
      expect(results.filter((r) => !r.ok && r.error === 'too-many-keys')).toHaveLength(7);
      expect((await store.listKeys(user.id, all())).total).toBe(5);
    });

    it('pages a user’s keys by id and counts only when asked', async () => {
      const ada = await createUser('ada');
      const bob = await createUser('bob');
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        const key = newKey(ada.id, `k${i}`);
        ids.push(key.id);
        await store.createKey(key, 100);
        await store.createKey(newKey(bob.id), 100);
      }
      const first = await store.listKeys(ada.id, { offset: 0, limit: 3, includeCount: true });
      expect(first.items.map((k) => k.id)).toEqual(ids.slice(0, 3));
      expect(first.total).toBe(7);
      const last = await store.listKeys(ada.id, { offset: 6, limit: 3, includeCount: true });
      expect(last.items.map((k) => k.description)).toEqual(['k6']);
      const uncounted = await store.listKeys(ada.id, { offset: 3, limit: 2, includeCount: false });
      expect(uncounted.items.map((k) => k.id)).toEqual(ids.slice(3, 5));
      expect(uncounted).not.toHaveProperty('total');
      expect(await store.listKeys(ada.id, { offset: 50, limit: 5, includeCount: true })).toEqual({
        items: [],
        total: 7,
      });
      expect(await store.listKeys(nextId(), all())).toEqual({ items: [], total: 0 });
    });

    it('enables, disables and deletes only the owner’s keys', async () => {
      const ada = await createUser('ada');
      const bob = await createUser('bob');
      const key = newKey(ada.id);
      await store.createKey(key, 10);

      expect(await store.getKey(bob.id, key.id)).toBeUndefined();
      const notFound = { ok: false, error: 'key-not-found' };
      expect(await store.setKeyEnabled(bob.id, key.id, false)).toEqual(notFound);
      expect(await store.deleteKey(bob.id, key.id)).toEqual(notFound);
      expect((await store.listKeys(bob.id, all())).items).toEqual([]);
      expect((await store.getKey(ada.id, key.id))?.enabled).toBe(true);

      const enabled = async (on: boolean) => {
        const changed = await store.setKeyEnabled(ada.id, key.id, on);
        return changed.ok && changed.value.enabled;
      };
      expect(await enabled(false)).toBe(false);
      expect((await store.getKey(ada.id, key.id))?.enabled).toBe(false);
      expect(await enabled(true)).toBe(true);
      expect((await store.getKey(ada.id, key.id))?.enabled).toBe(true);

      expect((await store.deleteKey(ada.id, key.id)).ok).toBe(true);
      expect(await store.deleteKey(ada.id, key.id)).toEqual(notFound);
      expect(await store.getKey(ada.id, key.id)).toBeUndefined();
      expect(await store.setKeyEnabled(ada.id, key.id, true)).toEqual(notFound);
    });

    it('loads credentials: the user and only enabled keys, oldest first', async () => {
      const org = await createOrg('Acme');
      const ada = await createUser('ada', { orgRoles: [{ orgId: org.id, roleName: 'ORG_OWNER' }] });
      const bob = await createUser('bob');
      const keys = [newKey(ada.id), newKey(ada.id), newKey(ada.id)];
      for (const key of keys) await store.createKey(key, 10);
      await store.createKey(newKey(bob.id), 10);
      await store.setKeyEnabled(ada.id, keys[1]!.id, false);

      const creds = await store.loadCredentials('ada');
      expect(creds && 'user' in creds && creds.user).toEqual(ada);
      expect(creds?.keys).toEqual([
        { keyId: keys[0]!.id, ha1: keys[0]!.ha1 },
        { keyId: keys[2]!.id, ha1: keys[2]!.ha1 },
      ]);
      expect(await store.loadCredentials('nobody')).toBeUndefined();
      const none = await createUser('carol');
      expect(await store.loadCredentials('carol')).toEqual({
        user: none,
        keys: [],
        accessList: [],
      });
    });

    it('bulk-inserts 10,000 keys', async () => {
      const user = await createUser('bulk');
      const keys = Array.from({ length: 10_000 }, () => newKey(user.id));
      const revision = await store.credentialsRevision();
      const started = performance.now();
      await store.insertKeys(keys);
      const ms = performance.now() - started;
      expect(ms).toBeLessThan(10_000);
      expect(await store.credentialsRevision()).toBeGreaterThan(revision);
      const page = await store.listKeys(user.id, { offset: 9_999, limit: 5, includeCount: true });
      expect(page).toEqual({
        items: [expect.objectContaining({ id: keys[9_999]!.id })],
        total: 10_000,
      });
      expect((await store.loadCredentials('bulk'))?.keys).toHaveLength(10_000);
      // No cap on the bulk path, but the normal path still sees the keys.
      expect(await store.createKey(newKey(user.id), 10_000)).toEqual({
        ok: false,
        error: 'too-many-keys',
      });
    });
  });

  it('gives every change to users, memberships, roles and keys the next revision, and returns it', async () => {
    const org = await createOrg('Acme');
    const other = await createOrg('Other');
    let last = await store.credentialsRevision();
    // Each write must answer with exactly the revision it left in the store.
    const next = async (written: Promise<{ ok: boolean; revision?: number } | number>) => {
      const answer = await written;
      const revision = typeof answer === 'number' ? answer : answer.revision;
      expect(revision).toBe(last + 1);
      expect(await store.credentialsRevision()).toBe(revision);
      last = revision ?? last;
    };
    const spec = newUser('ada', { orgRoles: [{ orgId: org.id, roleName: 'ORG_MEMBER' }] });
    await next(store.createUser(spec));
    const ada = { id: spec.id };
    await next(store.setMembership(ada.id, other.id, 'ORG_OWNER'));
    await next(store.removeMembership(ada.id, other.id));
    await next(store.setGlobalRole(ada.id, 'GLOBAL_OWNER', true));
    await next(store.updateProfile(ada.id, { firstName: 'Augusta' }));
    const key = newKey(ada.id);
    await next(store.createKey(key, 10));
    await next(store.setKeyEnabled(ada.id, key.id, false));
    await next(store.deleteKey(ada.id, key.id));
    await next(store.insertKeys([newKey(ada.id), newKey(ada.id)]));
    await next(store.deleteOrg(other.id));
    const bumped = await revisionWatch();

    // Reads, failures and usage leave it alone.
    await store.loadCredentials('ada');
    await store.createUser(newUser('ada'));
    await store.setMembership(ada.id, nextId(), 'ORG_OWNER');
    await store.deleteKey(ada.id, key.id);
    await store.applyUsage([{ keyId: key.id, count: 1, lastUsed: T0 }]);
    expect(await bumped()).toBe(false);
    await next(store.deleteUser(ada.id));
  });

  it('gives concurrent writes distinct revisions, one step each', async () => {
    const user = await createUser('ada');
    const keys = Array.from({ length: 8 }, () => newKey(user.id));
    const before = await store.credentialsRevision();
    const written = await Promise.all(keys.map((key) => store.createKey(key, 100)));
    const revisions = written.map((w) => (w.ok ? w.revision : 0)).sort((a, b) => a - b);
    expect(revisions).toEqual(keys.map((_, i) => before + i + 1));
  });

  describe('usage', () => {
    it('adds counts, keeps the latest lastUsed and skips deleted keys', async () => {
      const user = await createUser('ada');
      const [a, b, gone] = [newKey(user.id), newKey(user.id), newKey(user.id)];
      for (const key of [a, b, gone]) await store.createKey(key, 10);
      await store.deleteKey(user.id, gone.id);

      await store.applyUsage([
        { keyId: a.id, count: 3, lastUsed: '2024-01-01T00:00:10Z' },
        { keyId: gone.id, count: 9, lastUsed: '2024-01-01T00:00:10Z' },
        { keyId: b.id, count: 1, lastUsed: '2024-01-01T00:00:05Z' },
      ]);
      await store.applyUsage([
        // An older lastUsed (a slow instance's flush) must not move it back.
        { keyId: a.id, count: 2, lastUsed: '2024-01-01T00:00:01Z' },
        { keyId: b.id, count: 4, lastUsed: '2024-01-02T00:00:00Z' },
        { keyId: b.id, count: 1, lastUsed: '2024-01-01T00:00:00Z' },
      ]);
      expect(await store.getKey(user.id, a.id)).toMatchObject({
        usedCount: 5,
        lastUsed: '2024-01-01T00:00:10Z',
      });
      expect(await store.getKey(user.id, b.id)).toMatchObject({
        usedCount: 6,
        lastUsed: '2024-01-02T00:00:00Z',
      });
      expect(await store.getKey(user.id, gone.id)).toBeUndefined();
      await store.applyUsage([]);
    });

    it('applies a few thousand deltas in one quick batch', async () => {
      const user = await createUser('busy');
      const keys = Array.from({ length: 3_000 }, () => newKey(user.id));
      await store.insertKeys(keys);
      const deltas = keys.map((k, i) => ({ keyId: k.id, count: i + 1, lastUsed: T0 }));
      const started = performance.now();
      await store.applyUsage(deltas);
      expect(performance.now() - started).toBeLessThan(5_000);
      const page = await store.listKeys(user.id, { offset: 2_990, limit: 10, includeCount: false });
      expect(page.items.map((k) => k.usedCount)).toEqual(
        Array.from({ length: 10 }, (_, i) => 2_991 + i),
      );
      expect(page.items.every((k) => k.lastUsed === T0)).toBe(true);
    });
  });

  describe('settings', () => {
    it('reads, sets and overwrites', async () => {
      expect(await store.getSetting('realm')).toBeUndefined();
      await store.setSetting('realm', 'one');
      expect(await store.getSetting('realm')).toBe('one');
      await store.setSetting('realm', 'two');
      expect(await store.getSetting('realm')).toBe('two');
      expect(await store.setSettingIfAbsent('realm', 'three')).toBe('two');
    });

    it('setSettingIfAbsent keeps exactly one value under a race', async () => {
      const values = Array.from({ length: 8 }, (_, i) => `secret-${i}`);
      const other = await openStore(fresh.database);
      try {
        const results = await Promise.all(
          values.map((v, i) => (i % 2 ? other : store).setSettingIfAbsent('nonce_secret', v)),
        );
        expect(new Set(results).size).toBe(1);
        expect(values).toContain(results[0]);
        expect(await store.getSetting('nonce_secret')).toBe(results[0]);
      } finally {
        await other.close();
      }
    });
  });

  it('migrates idempotently: reopening keeps the data', async () => {
    const user = await createUser('ada');
    const again = await openStore(fresh.database);
    try {
      expect(await again.getUserById(user.id)).toEqual(user);
      expect(await again.credentialsRevision()).toBe(await store.credentialsRevision());
    } finally {
      await again.close();
    }
    const third = await openStore(fresh.database);
    await third.close();
    expect(await store.getUserByUsername('ada')).toEqual(user);
  });

  it('lets two stores share one database, each seeing the other’s writes', async () => {
    const second = await openStore(fresh.database);
    try {
      const ada = (await store.createUser(newUser('ada'))) as { ok: true; value: { id: string } };
      const bob = (await second.createUser(newUser('bob'))) as { ok: true; value: { id: string } };
      expect(ada.ok && bob.ok).toBe(true);
      expect((await second.listUsers(all())).total).toBe(2);
      expect((await store.getUserByUsername('bob'))?.id).toBe(bob.value.id);
      const key = newKey(ada.value.id);
      await second.createKey(key, 10);
      expect((await store.loadCredentials('ada'))?.keys.map((k) => k.keyId)).toEqual([key.id]);
      expect(await second.credentialsRevision()).toBe(await store.credentialsRevision());
      // The shared cap holds across both stores.
      expect((await store.createKey(newKey(ada.value.id), 1)).ok).toBe(false);
    } finally {
      await second.close();
    }
  });
});
