import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { escapeHtml, html } from '../../src/console/html.js';
import { KeyReveals } from '../../src/console/key-reveals.js';
import { safeNext } from '../../src/console/requests.js';
import { ConsoleSessions } from '../../src/console/sessions.js';
import { sha256Hex } from '../../src/console/tokens.js';
import { lastDays, perDay, sparkline } from '../../src/console/usage-chart.js';
import type { UserRecord } from '../../src/domain/records.js';
import { createUser } from '../../src/domain/users.js';
import type { Store } from '../../src/store/store.js';
import { type FreshStore, freshStore } from '../support/databases.js';

describe('html templates', () => {
  it('escapes every interpolated string, in text and in attributes', () => {
    const evil = `"><script>alert('x')</script>&`;
    expect(html`<p title="${evil}">${evil}</p>`.markup).toBe(
      '<p title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</p>',
    );
  });

  it('nests templates without escaping them twice, and drops empty values', () => {
    const items = ['a<b', 'c'].map((t) => html`<li>${t}</li>`);
    expect(html`<ul>${items}${false}${undefined}${null}${0}</ul>`.markup).toBe(
      '<ul><li>a&lt;b</li><li>c</li>0</ul>',
    );
    expect(escapeHtml('plain text')).toBe('plain text');
  });
});

describe('safeNext', () => {
  it('keeps console paths', () => {
    for (const path of ['/console', '/console/users', '/console/users?q=a%40b&pageNum=2']) {
      expect(safeNext(path)).toBe(path);
    }
  });

  it('sends anything that could leave the console to the users page', () => {
    for (const path of [
      '',
      'https://evil.example',
      '//evil.example/console',
      '/console//evil.example',
      '/consolex',
      '/api/atlas/v1.0/users',
      '/console/users\\@evil',
      '/console/<script>',
      'javascript:alert(1)',
    ]) {
      expect(safeNext(path), path).toBe('/console/users');
    }
  });
});

describe('usage chart', () => {
  const now = new Date('2026-03-01T23:59:59Z');

  it('covers the last 30 UTC days, oldest first, across a month end', () => {
    const days = lastDays(now);
    expect(days).toHaveLength(30);
    expect(days[0]).toBe('2026-01-31');
    expect(days.at(-2)).toBe('2026-02-28');
    expect(days.at(-1)).toBe('2026-03-01');
  });

  it('spreads rows over days per key, ignoring days outside the window', () => {
    const days = lastDays(now, 3);
    const series = perDay(
      [
        { keyId: 'k1', day: '2026-02-27', count: 2 },
        { keyId: 'k1', day: '2026-03-01', count: 5 },
        { keyId: 'k2', day: '2026-02-28', count: 1 },
        { keyId: 'k1', day: '2026-01-01', count: 99 },
        { keyId: 'unknown', day: '2026-03-01', count: 7 },
      ],
      ['k1', 'k2', 'k3'],
      days,
    );
    expect(Object.fromEntries(series)).toEqual({ k1: [2, 0, 5], k2: [0, 1, 0], k3: [0, 0, 0] });
  });

  it('draws a bar per busy day over one baseline, tallest on the busiest day, and says so in words', () => {
    const days = lastDays(now, 4);
    const svg = sparkline(days, [0, 3, 12, 6]).markup;
    expect(svg).toContain('data-total="21"');
    expect(svg).toContain(
      'aria-label="21 requests in the last 4 days; busiest 2026-02-28 with 12"',
    );
    const heights = [...svg.matchAll(/height="(\d+)"><title>/g)].map((m) => Number(m[1]));
    expect(heights).toEqual([7, 26, 13]);
    expect(svg).toContain('<title>2026-02-27: 3</title>');
    expect(svg.match(/<line /g)).toHaveLength(1);
    expect(sparkline(days, [0, 0, 0, 0]).markup).toContain('No requests in the last 4 days');
  });
});

describe('ConsoleSessions', () => {
  let fresh: FreshStore;
  let store: Store;
  let now = Date.parse('2026-01-01T00:00:00Z');
  beforeEach(async () => {
    fresh = await freshStore('sqlite');
    store = fresh.store;
  });
  afterEach(() => fresh.cleanup());

  const sessionsFor = (lifetimeMs: number, idleMs: number) =>
    new ConsoleSessions(store, { lifetimeMs, idleMs, now: () => now });
  const owner = async (globalOwner: boolean) => {
    const created = await createUser(store, { username: `u${globalOwner}`, globalOwner });
    if (!created.ok) throw new Error(created.error);
    return created.value;
  };

  it('keeps only a hash of the cookie, and ends the session at its fixed expiry', async () => {
    const sessions = sessionsFor(60_000, 60_000);
    const id = await sessions.start(await owner(true));
    expect(await store.findConsoleSession(id)).toBeUndefined();
    expect((await sessions.resume(id))?.user.username).toBe('utrue');

    now += 59_999;
    expect(await sessions.resume(id)).toBeDefined();
    now += 1;
    expect(await sessions.resume(id)).toBeUndefined();
    expect(await sessions.prune()).toBe(1);
  });

  it('ends a session left unused for the idle time, while use keeps it alive', async () => {
    const sessions = sessionsFor(3_600_000, 300_000);
    const busy = await sessions.start(await owner(true));
    const idle = await sessions.start((await store.getUserByUsername('utrue')) as UserRecord);
    for (let minute = 0; minute < 10; minute++) {
      now += 60_000;
      expect(await sessions.resume(busy), `minute ${minute}`).toBeDefined();
    }
    // Ten minutes on: the one used every minute lives, the one untouched since sign-in not.
    expect(await sessions.resume(idle)).toBeUndefined();
    expect(await sessions.prune()).toBe(1);
    now += 299_000;
    expect(await sessions.resume(busy)).toBeDefined();
    now += 300_000;
    expect(await sessions.resume(busy)).toBeUndefined();
  });

  it('reveals a generated key once, to its session and user page, within a minute', async () => {
    const sessions = sessionsFor(3_600_000, 600_000);
    const admin = await owner(true);
    const id = await sessions.start(admin);
    const other = await sessions.start(admin);
    const reveals = new KeyReveals(store, () => now);
    const reveal = {
      userId: admin.id,
      keyId: 'k'.repeat(24),
      key: 'd2d0f7a4-9c55-4c63-8a4e-1f6b1c2d3e4f',
    };

    await reveals.put(id, reveal);
    expect(await reveals.take(other, admin.id)).toBeUndefined();
    expect(await reveals.take(id, 'u'.repeat(24))).toBeUndefined();
    // What the database holds is ciphertext: the key, whole or in part, is not in it.
    const stored = await store.takeConsoleReveal(sha256Hex(id), admin.id);
    expect(stored?.sealed).not.toContain(reveal.key.slice(-12));
    expect(Buffer.from(stored?.sealed ?? '', 'base64url').toString('latin1')).not.toContain(
      reveal.key.slice(-12),
    );

    await reveals.put(id, reveal);
    expect(await reveals.take(id, admin.id)).toEqual(reveal);
    expect(await reveals.take(id, admin.id)).toBeUndefined();

    await reveals.put(id, reveal);
    now += 60_000;
    expect(await reveals.take(id, admin.id)).toBeUndefined();
  });

  it('opens a sealed key only with the session id that sealed it', async () => {
    const sessions = sessionsFor(3_600_000, 600_000);
    const admin = await owner(true);
    const id = await sessions.start(admin);
    const reveals = new KeyReveals(store, () => now);
    await reveals.put(id, { userId: admin.id, keyId: 'k'.repeat(24), key: 'secret' });
    const sealed = await store.takeConsoleReveal(sha256Hex(id), admin.id);
    if (!sealed) throw new Error('nothing stored');
    // Someone who can write the table but not read the cookie: another session's hash.
    const thief = await sessions.start(admin);
    await store.putConsoleReveal({ ...sealed, sessionHash: sha256Hex(thief) }, sealed.expiresAt);
    expect(await reveals.take(thief, admin.id)).toBeUndefined();
  });

  it('resumes a session of any user, with their current roles, until the user is deleted', async () => {
    const sessions = sessionsFor(60_000, 60_000);
    const user = await owner(false);
    const id = await sessions.start(user);
    expect((await sessions.resume(id))?.user.globalRoles).toEqual([]);
    await store.setGlobalRole(user.id, 'GLOBAL_OWNER', true);
    expect((await sessions.resume(id))?.user.globalRoles).toEqual(['GLOBAL_OWNER']);
    await store.deleteUser(user.id);
    expect(await sessions.resume(id)).toBeUndefined();
    expect(await sessions.resume(undefined)).toBeUndefined();
    expect(await sessions.resume('not a session')).toBeUndefined();
  });
});
