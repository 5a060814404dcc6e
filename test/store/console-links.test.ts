import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserRecord } from '../../src/domain/records.js';
import { createUser } from '../../src/domain/users.js';
import { openStore } from '../../src/store/open-store.js';
import type { ConsoleLink, Store } from '../../src/store/store.js';
import { dialects, type FreshStore, freshStore } from '../support/databases.js';

const NOW = '2026-11-30T10:00:00.000Z';
const LATER = '2026-11-30T11:00:00.000Z';
const EXPIRY = '2026-12-03T10:00:00.000Z';

function link(user: UserRecord, tokenHash: string, fields: Partial<ConsoleLink> = {}): ConsoleLink {
  return {
    tokenHash,
    userId: user.id,
    purpose: 'invite',
    createdAt: NOW,
    expiresAt: EXPIRY,
    ...fields,
  };
}

// Invitation and password-reset links: one UPDATE spends each, exactly once.
describe.each(dialects)('one-time console links, on %s', (dialect) => {
  let fresh: FreshStore;
  let store: Store;
  let user: UserRecord;
  beforeEach(async () => {
    fresh = await freshStore(dialect);
    store = fresh.store;
    const created = await createUser(store, { username: 'invited' });
    if (!created.ok) throw new Error(created.error);
    user = created.value;
  });
  afterEach(() => fresh.cleanup());

  it('is redeemed once: it sets the password, ends the sessions, and then is spent', async () => {
    expect(await store.createConsoleLink(link(user, 'a'.repeat(64)), NOW)).toBe(true);
    expect(await store.findConsoleLink('a'.repeat(64), LATER)).toMatchObject({
      userId: user.id,
      purpose: 'invite',
    });
    await store.createConsoleSession({
      idHash: 's'.repeat(64),
      userId: user.id,
      csrfToken: 'c',
      createdAt: NOW,
      expiresAt: EXPIRY,
      lastSeenAt: NOW,
    });
    const spent = await store.redeemConsoleLink('a'.repeat(64), 'new hash', LATER);
    expect(spent?.userId).toBe(user.id);
    expect(await store.getPasswordHash('invited')).toBe('new hash');
    expect(await store.findConsoleSession('s'.repeat(64))).toBeUndefined();
    expect(await store.findConsoleLink('a'.repeat(64), LATER)).toBeUndefined();
    expect(await store.redeemConsoleLink('a'.repeat(64), 'other hash', LATER)).toBeUndefined();
    expect(await store.getPasswordHash('invited')).toBe('new hash');
  });

  // PostgreSQL: two connections racing. SQLite's driver is synchronous, so a second
  // connection in the same process would block the first's transaction until busy_timeout;
  // there one connection serves the server, and the race is between two statements on it.
  it('lets exactly one of two concurrent redemptions win', async () => {
    const other = dialect === 'postgres' ? await openStore(fresh.database) : store;
    try {
      for (const n of [1, 2, 3, 4, 5]) {
        const hash = String(n).repeat(64);
        await store.createConsoleLink(link(user, hash), NOW);
        const results = await Promise.all([
          store.redeemConsoleLink(hash, `first ${n}`, LATER),
          other.redeemConsoleLink(hash, `second ${n}`, LATER),
        ]);
        const winners = results.filter((r) => r !== undefined);
        expect(winners).toHaveLength(1);
        const password = await store.getPasswordHash('invited');
        expect([`first ${n}`, `second ${n}`]).toContain(password);
      }
    } finally {
      if (other !== store) await other.close();
    }
  });

  it('refuses an expired link, and an unknown one', async () => {
    await store.createConsoleLink(link(user, 'e'.repeat(64), { expiresAt: LATER }), NOW);
    expect(await store.findConsoleLink('e'.repeat(64), LATER)).toBeUndefined();
    expect(await store.redeemConsoleLink('e'.repeat(64), 'h', LATER)).toBeUndefined();
    expect(await store.redeemConsoleLink('f'.repeat(64), 'h', NOW)).toBeUndefined();
    expect(await store.getPasswordHash('invited')).toBeUndefined();
  });

  it('revokes the earlier link when another is issued, an invitation by a reset too', async () => {
    await store.createConsoleLink(link(user, 'a'.repeat(64)), NOW);
    await store.createConsoleLink(link(user, 'b'.repeat(64), { purpose: 'reset' }), NOW);
    expect(await store.redeemConsoleLink('a'.repeat(64), 'old', LATER)).toBeUndefined();
    expect(await store.findConsoleLink('b'.repeat(64), LATER)).toMatchObject({
      purpose: 'reset',
    });
    expect(await store.redeemConsoleLink('b'.repeat(64), 'new', LATER)).toMatchObject({
      purpose: 'reset',
    });
  });

  it('issues no link for a user who does not exist, and drops links with their user', async () => {
    expect(
      await store.createConsoleLink({ ...link(user, 'a'.repeat(64)), userId: 'c'.repeat(24) }, NOW),
    ).toBe(false);
    await store.createConsoleLink(link(user, 'b'.repeat(64)), NOW);
    expect((await store.deleteUser(user.id)).ok).toBe(true);
    expect(await store.findConsoleLink('b'.repeat(64), LATER)).toBeUndefined();
  });
});
