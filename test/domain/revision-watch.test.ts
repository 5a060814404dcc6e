// How the cache learns of revisions: reads prompted by notifications are coalesced, and a
// cache whose revision went unconfirmed too long says so, logs it, and starts over.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchRevisions } from '../../src/domain/revision-watch.js';
import { UserCache, type UserSource } from '../../src/domain/user-cache.js';

/** The revision as the database holds it; reads can be held, or fail as if it were gone. */
class Source implements UserSource {
  revision = 0;
  reads = 0;
  loads = 0;
  down = false;
  held: (() => void)[] | undefined;

  credentialsRevision() {
    this.reads++;
    if (this.down) return Promise.reject(new Error('unreachable'));
    const held = this.held;
    if (!held) return Promise.resolve(this.revision);
    return new Promise<number>((resolve) => held.push(() => resolve(this.revision)));
  }
  loadCredentials() {
    this.loads++;
    return Promise.resolve(undefined);
  }
  listKeys() {
    return Promise.resolve({ items: [] });
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('UserCache.confirmed', () => {
  let source: Source;
  let now: number;
  let cache: UserCache;

  beforeEach(() => {
    source = new Source();
    now = 0;
    cache = new UserCache(source, { confirmWithinMs: 3000, now: () => now });
  });

  it('holds for the bound after the start of the latest answered read', async () => {
    expect(cache.confirmed()).toBe(false);
    await cache.refresh();
    now = 3000;
    expect(cache.confirmed()).toBe(true);
    source.down = true;
    await expect(cache.refresh()).rejects.toThrow('unreachable');
    now = 3001;
    expect(cache.confirmed()).toBe(false);
  });

  it('counts a slow read from when it started, not from when it answered', async () => {
    await cache.refresh();
    source.held = [];
    now = 1000;
    const slow = cache.refresh();
    now = 5000;
    for (const answer of source.held) answer();
    await slow;
    expect(cache.confirmed()).toBe(false); // read at 1000: changes since then are unseen
    expect(cache.confirmed(4000)).toBe(true);
  });

  it('starts over after a lapse, even when the revision did not move', async () => {
    await cache.refresh();
    await cache.credentials('alice');
    await cache.refresh();
    await cache.credentials('alice');
    expect(source.loads).toBe(1); // kept: nothing changed
    now = 10_000;
    await cache.refresh();
    await cache.credentials('alice');
    expect(source.loads).toBe(2);
  });
});

describe('watchRevisions', () => {
  let source: Source;
  let now: number;
  let cache: UserCache;
  let notify: () => void;
  const lines: string[] = [];
  const log = {
    info: (_: object, msg: string) => lines.push(`info ${msg}`),
    warn: () => {},
    error: (_: object, msg: string) => lines.push(`error ${msg}`),
  };
  let stop: () => void;

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    source = new Source();
    now = 0;
    cache = new UserCache(source, { confirmWithinMs: 3000, now: () => now });
    await cache.refresh();
    lines.length = 0;
    const subscribe = (onChange: () => void) => {
      notify = onChange;
      return () => {};
    };
    ({ stop } = watchRevisions(cache, { pollMs: 1000, subscribe, log }));
  });
  afterEach(() => {
    stop();
    vi.useRealTimers();
  });

  it('answers a burst of notifications with one read in flight and one after it', async () => {
    source.held = [];
    const before = source.reads;
    for (let i = 0; i < 10; i++) notify();
    expect(source.reads - before).toBe(1);
    for (const answer of source.held.splice(0)) answer();
    await flush();
    expect(source.reads - before).toBe(2);
    for (const answer of source.held.splice(0)) answer();
    await flush();
    notify();
    expect(source.reads - before).toBe(3);
    for (const answer of source.held.splice(0)) answer();
  });

  it('logs once when authentication closes and once when it opens again', async () => {
    source.down = true;
    for (let second = 1; second <= 5; second++) {
      now = second * 1000;
      vi.advanceTimersByTime(1000);
      await flush();
    }
    expect(lines).toEqual([expect.stringMatching(/^error .*503/)]);
    source.down = false;
    now = 6000;
    vi.advanceTimersByTime(1000);
    await flush();
    expect(cache.confirmed()).toBe(true);
    expect(lines).toEqual([
      expect.stringMatching(/^error .*503/),
      'info credentials revision confirmed again',
    ]);
  });
});
