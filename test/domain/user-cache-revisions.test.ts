// The cache against a source whose timing the test controls: writes that commit before their
// writer hears back, loads and polls that answer late.
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiKeyRecord, Revision } from '../../src/domain/records.js';
import { UserCache, type UserSource } from '../../src/domain/user-cache.js';
import type { UserCredentials } from '../../src/store/store.js';
import { userRecord } from '../support/records.js';

const user = (username: string) => userRecord({ id: username.padStart(24, '0'), username });
const key = (keyId: string) => ({
  keyId,
  ha1: { MD5: keyId, 'SHA-256': keyId, 'SHA-512-256': keyId },
});
const record = (id: string, userId: string): ApiKeyRecord => ({
  id,
  userId,
  description: '',
  enabled: true,
  createdAt: '2026-01-01T00:00:00Z',
  usedCount: 0,
  suffix: id,
});

/** What the database holds. `held` makes reads answer later with what they read now. */
class Database implements UserSource {
  revision = 0;
  loads = 0;
  held: (() => void)[] | undefined;
  readonly users = new Map<string, UserCredentials>([
    ['alice', { user: user('alice'), keys: [key('a1')] }],
    ['bob', { user: user('bob'), keys: [key('b1')] }],
  ]);

  /** A committed write: the change and its revision, which its writer learns only later. */
  write(username: string, keys: string[]): Revision {
    this.users.set(username, { user: user(username), keys: keys.map(key) });
    return ++this.revision as Revision;
  }

  private answer<T>(value: T): Promise<T> {
    const held = this.held;
    if (!held) return Promise.resolve(value);
    return new Promise((resolve) => held.push(() => resolve(value)));
  }

  loadCredentials(username: string) {
    this.loads++;
    return this.answer(this.users.get(username));
  }
  credentialsRevision() {
    return this.answer(this.revision);
  }
  listKeys() {
    return Promise.resolve({ items: [] });
  }
}

describe('UserCache revisions', () => {
  let db: Database;
  let cache: UserCache;
  const aliceKeys = async () => (await cache.credentials('alice'))?.keys.map((k) => k.keyId);

  beforeEach(async () => {
    db = new Database();
    cache = new UserCache(db);
    await cache.refresh();
  });

  it('does not let a poll that counted our unreported write swallow the next foreign one', async () => {
    expect(await aliceKeys()).toEqual(['a1']);
    const ours = db.write('bob', []); // committed; bob's request has not heard back yet
    await cache.refresh(); // the poll sees revision 1 before the cache is told
    expect(await aliceKeys()).toEqual(['a1']);
    cache.invalidate('bob', ours); // now it hears back
    db.write('alice', []); // the CLI disables alice's key
    await cache.refresh();
    expect(cache.peek('alice')).toBeUndefined();
    expect(await aliceKeys()).toEqual([]);
  });

  it('keeps everything across its own writes, told in any order', async () => {
    await aliceKeys();
    const first = db.write('bob', []);
    const second = db.write('bob', ['b2']);
    cache.invalidate('bob', second);
    cache.invalidate('bob', first);
    await cache.refresh();
    expect(cache.peek('alice')).toBeDefined();
    expect(db.loads).toBe(1);
  });

  it('clears when someone else wrote between two writes of its own', async () => {
    await aliceKeys();
    cache.invalidate('bob', db.write('bob', []));
    db.write('alice', []);
    const b2 = record('b2', user('bob').id);
    cache.addKey('bob', key('b2'), b2, db.write('bob', ['b2']));
    await cache.refresh();
    expect(cache.peek('alice')).toBeUndefined();
  });

  it('does not keep a load that read before a foreign write and answered after the poll', async () => {
    db.held = [];
    const stale = cache.credentials('alice'); // reads alice with a1
    const [answerLoad] = db.held.splice(0);
    db.write('alice', []);
    db.held = undefined;
    await cache.refresh(); // clears, then the stale answer arrives
    answerLoad?.();
    expect((await stale)?.keys).toHaveLength(1); // its caller started before the write
    expect(cache.peek('alice')).toBeUndefined();
    expect(await aliceKeys()).toEqual([]);
  });

  it('ignores an older poll that answers after a newer one', async () => {
    db.held = [];
    const older = cache.refresh(); // reads revision 0
    db.write('alice', []);
    const newer = cache.refresh(); // reads revision 1
    const [answerOlder, answerNewer] = db.held.splice(0);
    db.held = undefined;
    answerNewer?.();
    await newer;
    expect(await aliceKeys()).toEqual([]);
    answerOlder?.();
    await older; // revision 0 would look like a restored database and clear again
    expect(cache.peek('alice')).toBeDefined();
    expect(db.loads).toBe(1);
  });
});
