// renameOrg and deleteEmptyOrg (the API's org writes), against SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newObjectId } from '../../src/domain/ids.js';
import type { OrgRole } from '../../src/domain/records.js';
import type { Store } from '../../src/store/store.js';
import { dialects, type FreshStore, freshStore } from '../support/databases.js';

const T0 = '2018-05-14T14:45:22Z';

describe.each(dialects)('org changes on %s', (dialect) => {
  let fresh: FreshStore;
  let store: Store;
  beforeEach(async () => {
    fresh = await freshStore(dialect);
    store = fresh.store;
  });
  afterEach(() => fresh.cleanup());

  const org = async (name: string) => {
    const created = await store.createOrg({ id: newObjectId(), name, createdAt: T0 });
    if (!created.ok) throw new Error(created.error);
    return created.value;
  };
  const user = async (username: string, roles: [string, OrgRole][] = []) => {
    const created = await store.createUser({
      id: newObjectId(),
      username,
      firstName: '',
      lastName: '',
      emailAddress: '',
      createdAt: T0,
      globalRoles: [],
      orgRoles: roles.map(([orgId, roleName]) => ({ orgId, roleName })),
    });
    if (!created.ok) throw new Error(created.error);
    return created.value;
  };

  it('renames an org, refusing a name another org has and unknown ids', async () => {
    const acme = await org('Acme');
    await org('Globex');
    expect(await store.renameOrg(acme.id, 'Initech')).toEqual({
      ok: true,
      value: { ...acme, name: 'Initech' },
    });
    expect(await store.getOrg(acme.id)).toEqual({ ...acme, name: 'Initech' });
    expect(await store.renameOrg(acme.id, 'Globex')).toEqual({ ok: false, error: 'name-taken' });
    expect((await store.getOrg(acme.id))?.name).toBe('Initech');
    expect(await store.renameOrg(acme.id, 'Initech')).toMatchObject({ ok: true });
    expect(await store.renameOrg(newObjectId(), 'Nobody')).toEqual({
      ok: false,
      error: 'org-not-found',
    });
  });

  it('deletes an org only the caller is in, with the caller’s membership, bumping the revision', async () => {
    const acme = await org('Acme');
    const other = await org('Other');
    const ada = await user('ada', [
      [acme.id, 'ORG_OWNER'],
      [other.id, 'ORG_MEMBER'],
    ]);
    const before = await store.credentialsRevision();
    const deleted = await store.deleteEmptyOrg(acme.id, ada.id);
    expect(deleted.ok).toBe(true);
    expect(deleted.ok && deleted.revision).toBeGreaterThan(before);
    expect(await store.getOrg(acme.id)).toBeUndefined();
    expect((await store.getUserById(ada.id))?.orgRoles).toEqual([
      { orgId: other.id, roleName: 'ORG_MEMBER' },
    ]);
    expect(await store.deleteEmptyOrg(acme.id, ada.id)).toEqual({
      ok: false,
      error: 'org-not-found',
    });
  });

  it('refuses while anyone else is in it, whatever their role, and changes nothing', async () => {
    const acme = await org('Acme');
    const ada = await user('ada', [[acme.id, 'ORG_OWNER']]);
    const bob = await user('bob', [[acme.id, 'ORG_READ_ONLY']]);
    const before = await store.credentialsRevision();
    expect(await store.deleteEmptyOrg(acme.id, ada.id)).toEqual({
      ok: false,
      error: 'has-members',
    });
    // A caller who is no member (a GLOBAL_OWNER, or no user at all) leaves nobody out.
    expect(await store.deleteEmptyOrg(acme.id, undefined)).toEqual({
      ok: false,
      error: 'has-members',
    });
    expect(await store.credentialsRevision()).toBe(before);
    expect(await store.getOrg(acme.id)).toEqual(acme);
    expect(
      (await store.listOrgUsers(acme.id, { offset: 0, limit: 10, includeCount: true })).total,
    ).toBe(2);
    await store.removeMembership(bob.id, acme.id);
    expect(await store.deleteEmptyOrg(acme.id, bob.id)).toEqual({
      ok: false,
      error: 'has-members',
    });
    expect((await store.deleteEmptyOrg(acme.id, ada.id)).ok).toBe(true);
    const empty = await org('Empty');
    expect((await store.deleteEmptyOrg(empty.id, undefined)).ok).toBe(true);
  });

  it('never deletes a member added while the deletion runs', async () => {
    const acme = await org('Acme');
    const ada = await user('ada', [[acme.id, 'ORG_OWNER']]);
    const bob = await user('bob');
    const [deleted, joined] = await Promise.all([
      store.deleteEmptyOrg(acme.id, ada.id),
      store.setMembership(bob.id, acme.id, 'ORG_MEMBER').catch((error: unknown) => error),
    ]);
    const bobRoles = (await store.getUserById(bob.id))?.orgRoles ?? [];
    // Either the join came first and blocked the deletion, or the org was gone for it.
    if (deleted.ok) expect(bobRoles).toEqual([]);
    else {
      expect(deleted).toEqual({ ok: false, error: 'has-members' });
      expect(joined).toMatchObject({ ok: true });
      expect(bobRoles).toEqual([{ orgId: acme.id, roleName: 'ORG_MEMBER' }]);
    }
  });
});
