import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditSource } from '../../src/domain/audit.js';
import { actingAs } from '../../src/domain/audit-scope.js';
import { issueKey } from '../../src/domain/keys.js';
import { createOrg } from '../../src/domain/orgs.js';
import type { UserRecord } from '../../src/domain/records.js';
import { toTimestamp } from '../../src/domain/time.js';
import { createUser } from '../../src/domain/users.js';
import { dialects, type FreshStore, freshStore } from '../support/databases.js';

const page = { offset: 0, limit: 100, includeCount: true };
const admin: AuditSource = {
  actor: { kind: 'user', userId: 'a'.repeat(24), username: 'admin', keyId: 'b'.repeat(24) },
  origin: { channel: 'api', address: '203.0.113.7', userAgent: 'curl/8' },
};

describe.each(dialects)('the audit trail on %s', (dialect) => {
  let fresh: FreshStore;
  let user: UserRecord;
  beforeEach(async () => {
    fresh = await freshStore(dialect);
    const created = await actingAs(admin, () => createUser(fresh.store, { username: 'alice' }));
    if (!created.ok) throw new Error(created.error);
    user = created.value;
  });
  afterEach(() => fresh.cleanup());

  const list = (filter = {}) => fresh.store.listAudit(filter, page);
  const issue = (maxKeysPerUser = 10) =>
    issueKey(fresh.store, { realm: 'r', maxKeysPerUser, user, description: 'd' });

  it('records who, from where, what and on which ids, newest first', async () => {
    const issued = await actingAs(admin, issue);
    if (!issued.ok) throw new Error(issued.error);
    const { items, total } = await list();
    expect(total).toBe(2);
    expect(items[0]).toMatchObject({
      ...admin,
      action: 'key.create',
      targets: { userId: user.id, keyId: issued.value.record.id },
      outcome: 'ok',
    });
    expect(items[1]).toMatchObject({ action: 'user.create', targets: { userId: user.id } });
  });

  it('leaves no row for a change that rolls back', async () => {
    expect((await actingAs(admin, () => issue(0))).ok).toBe(false);
    const missing = await actingAs(admin, () => fresh.store.deleteKey(user.id, 'c'.repeat(24)));
    expect(missing.ok).toBe(false);
    const taken = await actingAs(admin, () => createUser(fresh.store, { username: 'alice' }));
    expect(taken.ok).toBe(false);
    expect((await list()).items.map((e) => e.action)).toEqual(['user.create']);
  });

  it('names a change no edge attributed as the system', async () => {
    await createOrg(fresh.store, 'unattributed');
    const [event] = (await list({ action: 'org.create' })).items;
    expect(event?.actor).toEqual({ kind: 'system' });
    expect(event?.targets.detail).toBe('unattributed');
  });

  it('filters by user (actor or target), action and time, and pages', async () => {
    const cli: AuditSource = { actor: { kind: 'cli', osUser: 'ops' }, origin: { channel: 'cli' } };
    await actingAs(cli, () => issue());
    await actingAs(cli, () => issue());
    const asUser: AuditSource = {
      ...admin,
      actor: { kind: 'user', userId: user.id, username: 'alice' },
    };
    await actingAs(asUser, () => createOrg(fresh.store, 'hers'));
    expect((await list({ userId: user.id })).total).toBe(4);
    expect((await list({ userId: 'a'.repeat(24) })).total).toBe(1);
    const keys = await list({ action: 'key.create' });
    expect(keys.items.map((e) => e.actor)).toEqual([cli.actor, cli.actor]);
    expect(keys.items[0]?.origin).toEqual({ channel: 'cli' });
    const later = toTimestamp(new Date(Date.now() + 60_000));
    expect((await list({ since: later })).total).toBe(0);
    const second = await fresh.store.listAudit({}, { offset: 1, limit: 2, includeCount: false });
    expect(second.items.map((e) => e.action)).toEqual(['key.create', 'key.create']);
    expect(second.total).toBeUndefined();
    // Paging on from an event, as an export does: exactly the older ones, however many arrive.
    const all = (await list()).items;
    await actingAs(cli, () => issue());
    const after = await list({ after: all[1] });
    expect(after.items.map((e) => e.id)).toEqual(all.slice(2).map((e) => e.id));
  });

  it('prunes events older than the cut-off only', async () => {
    const earlier = toTimestamp(new Date(Date.now() - 60_000));
    expect(await fresh.store.pruneAudit(earlier)).toBe(0);
    const later = toTimestamp(new Date(Date.now() + 60_000));
    expect(await fresh.store.pruneAudit(later)).toBe(1);
    expect((await list()).total).toBe(0);
  });
});
