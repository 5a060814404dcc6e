// The console's lists, against SQLite and PostgreSQL: keys newest first with filters,
// searches by full name, org members searched, and each user's activity for the users list.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PageRequest } from '../../src/domain/records.js';
import type { NewApiKey, NewUser, Store } from '../../src/store/store.js';
import { dialects, type FreshStore, freshStore } from '../support/databases.js';

let sequence = 0;
const nextId = () => (++sequence).toString(16).padStart(24, '0');
const T0 = '2018-05-14T14:45:22Z';
const page = (offset: number, limit: number): PageRequest => ({
  offset,
  limit,
  includeCount: true,
});

function newUser(username: string, extra: Partial<NewUser> = {}): NewUser {
  return {
    id: nextId(),
    username,
    firstName: '',
    lastName: '',
    emailAddress: '',
    createdAt: T0,
    globalRoles: [],
    orgRoles: [],
    ...extra,
  };
}

function newKey(userId: string, description: string): NewApiKey {
  const id = nextId();
  const ha1 = { MD5: id, 'SHA-256': id, 'SHA-512-256': id };
  return { id, userId, description, createdAt: T0, suffix: id.slice(-12), ha1 };
}

describe.each(dialects)('console lists on %s', (dialect) => {
  let fresh: FreshStore;
  let store: Store;

  beforeEach(async () => {
    fresh = await freshStore(dialect);
    store = fresh.store;
  });
  afterEach(() => fresh.cleanup());

  async function createUser(username: string, extra: Partial<NewUser> = {}) {
    const created = await store.createUser(newUser(username, extra));
    if (!created.ok) throw new Error(`createUser failed: ${created.error}`);
    return created.value;
  }

  it('finds a user’s keys newest first, by state and by a piece of the description', async () => {
    const ada = await createUser('ada');
    const bob = await createUser('bob');
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const key = newKey(ada.id, i % 3 === 0 ? `Deploy 50%_${i}` : `ci ${i}`);
      ids.push(key.id);
      await store.createKey(key, 100);
    }
    await store.createKey(newKey(bob.id, 'deploy bob'), 100);
    for (const id of ids.slice(0, 10)) await store.setKeyEnabled(ada.id, id, false);
    const everything = { state: 'all', description: '' } as const;

    const first = await store.findKeys(ada.id, everything, page(0, 25));
    expect(first.items.map((k) => k.id)).toEqual(ids.toReversed().slice(0, 25));
    expect(first).toMatchObject({ total: 30, held: 30 });
    const second = await store.findKeys(ada.id, everything, page(25, 25));
    expect(second.items.map((k) => k.id)).toEqual(ids.slice(0, 5).toReversed());

    const disabled = await store.findKeys(
      ada.id,
      { ...everything, state: 'disabled' },
      page(0, 25),
    );
    expect(disabled.items.map((k) => k.id)).toEqual(ids.slice(0, 10).toReversed());
    expect(disabled).toMatchObject({ total: 10, held: 30 });
    const enabled = await store.findKeys(ada.id, { ...everything, state: 'enabled' }, page(0, 5));
    expect(enabled.items.every((k) => k.enabled)).toBe(true);
    expect(enabled.total).toBe(20);

    // Case-insensitive, and % and _ match only themselves.
    const deploy = await store.findKeys(
      ada.id,
      { state: 'all', description: 'DEPLOY' },
      page(0, 25),
    );
    expect(deploy.items.map((k) => k.description)).toEqual(
      ids
        .map((_, i) => i)
        .filter((i) => i % 3 === 0)
        .toReversed()
        .map((i) => `Deploy 50%_${i}`),
    );
    const literal = await store.findKeys(
      ada.id,
      { state: 'enabled', description: '0%_2' },
      page(0, 25),
    );
    expect(literal.items.map((k) => k.description)).toEqual([
      'Deploy 50%_27',
      'Deploy 50%_24',
      'Deploy 50%_21',
    ]);
    expect(
      (await store.findKeys(ada.id, { state: 'all', description: '5_%' }, page(0, 25))).total,
    ).toBe(0);

    const uncounted = await store.findKeys(ada.id, everything, {
      offset: 0,
      limit: 1,
      includeCount: false,
    });
    expect(uncounted).not.toHaveProperty('total');
    expect(uncounted.held).toBe(30);
    expect(await store.findKeys(nextId(), everything, page(0, 25))).toEqual({
      items: [],
      total: 0,
      held: 0,
    });
  });

  it('matches a full name, first and last together, in users and in an org’s members', async () => {
    const org = { id: nextId(), name: 'Acme', createdAt: T0 };
    await store.createOrg(org);
    const member = { orgId: org.id, roleName: 'ORG_MEMBER' } as const;
    const knuth = await createUser('dek', {
      firstName: 'Donald',
      lastName: 'Knuth',
      orgRoles: [member],
    });
    const duck = await createUser('duck', { firstName: 'Donald', lastName: 'Duck' });
    const other = await createUser('ada', {
      firstName: 'Ada',
      lastName: 'Knuthson',
      orgRoles: [member],
    });

    const names = async (search: string) =>
      (await store.listUsers(page(0, 10), search)).items.map((u) => u.username);
    expect(await names('Donald Knuth')).toEqual([knuth.username]);
    expect(await names('donald')).toEqual([knuth.username, duck.username]);
    expect(await names('ald kn')).toEqual([knuth.username]);
    expect(await names('Knuth')).toEqual([knuth.username, other.username]);

    const members = await store.listOrgUsers(org.id, page(0, 10), 'knuth');
    expect(members.items.map((u) => u.username)).toEqual([knuth.username, other.username]);
    expect(members.total).toBe(2);
    const one = await store.listOrgUsers(org.id, page(0, 10), 'Donald Knuth');
    expect(one).toMatchObject({ total: 1, items: [{ username: knuth.username }] });
    expect((await store.listOrgUsers(org.id, page(0, 10), 'duck')).total).toBe(0);
  });

  it('tells each user’s key count and latest activity, a key used or a console page seen', async () => {
    const ada = await createUser('ada');
    const bob = await createUser('bob');
    const cy = await createUser('cy');
    const key = newKey(ada.id, 'k');
    await store.createKey(key, 100);
    await store.createKey(newKey(ada.id, 'k2'), 100);
    await store.createKey(newKey(bob.id, 'k3'), 100);
    await store.applyUsage([{ keyId: key.id, count: 2, lastUsed: '2026-11-20T10:00:00Z' }]);
    await store.createConsoleSession({
      idHash: 'a'.repeat(64),
      userId: ada.id,
      csrfToken: 't',
      createdAt: '2026-11-21T09:00:00Z',
      expiresAt: '2026-11-21T17:00:00Z',
      lastSeenAt: '2026-11-21T09:30:00Z',
    });

    const activity = await store.userActivity([ada.id, bob.id, cy.id, nextId()]);
    expect([...activity].sort((a, b) => a.userId.localeCompare(b.userId))).toEqual([
      { userId: ada.id, keyCount: 2, lastActivity: '2026-11-21T09:30:00Z' },
      { userId: bob.id, keyCount: 1 },
      { userId: cy.id, keyCount: 0 },
    ]);
    expect(await store.userActivity([])).toEqual([]);
  });

  it('reads orgs by id, skipping ids that name none', async () => {
    const a = { id: nextId(), name: 'A', createdAt: T0 };
    const b = { id: nextId(), name: 'B', createdAt: T0 };
    await store.createOrg(a);
    await store.createOrg(b);
    const found = await store.getOrgs([b.id, nextId(), a.id, b.id]);
    expect([...found].sort((x, y) => x.name.localeCompare(y.name))).toEqual([a, b]);
    expect(await store.getOrgs([])).toEqual([]);
  });
});
