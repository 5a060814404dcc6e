import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyward, keywardJson } from '../support/server-process.js';

interface Key {
  id: string;
  description: string;
  expiresAt?: string;
}

// Each CLI call starts Node: seconds on a loaded 2-core machine.
describe('keys create --expires-in, --max-key-lifetime and keys roll', { timeout: 120_000 }, () => {
  const folder = mkdtempSync(join(tmpdir(), 'keyward-cli-expiry-'));
  const db = ['--database', join(folder, 'keyward.db')];
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const daysFromNow = (at: string) => (Date.parse(at) - Date.now()) / 86_400_000;
  const user = ['--username', 'rotator'];

  it('sets, caps and rolls expiries, and refuses a nonsense duration', () => {
    expect(keyward(['migrate', ...db]).status).toBe(0);
    keywardJson(['users', 'create', ...user, ...db]);
    const create = (...extra: string[]) =>
      keywardJson<Key>(['keys', 'create', ...user, '--description', 'ci', ...extra, ...db]);

    expect(daysFromNow(create('--expires-in', '90d').expiresAt ?? '')).toBeCloseTo(90, 2);
    const capped = create('--expires-in', '90d', '--max-key-lifetime', '30d');
    expect(daysFromNow(capped.expiresAt ?? '')).toBeCloseTo(30, 2);
    expect(create()).not.toHaveProperty('expiresAt');

    const nonsense = keyward([
      'keys',
      'create',
      ...user,
      '--description',
      'x',
      '--expires-in',
      '90 days',
      ...db,
    ]);
    expect(nonsense.status).not.toBe(0);
    expect(nonsense.stderr).toMatch(/--expires-in.*s, m, h or d/);

    const rolled = keywardJson<Key>([
      'keys',
      'roll',
      ...user,
      '--id',
      capped.id,
      '--overlap',
      '36h',
      '--json',
      ...db,
    ]);
    expect(rolled.description).toBe('ci');
    const listed = keywardJson<{ results: Key[] }>(['keys', 'list', ...user, ...db]).results;
    const old = listed.find((k) => k.id === capped.id);
    expect(daysFromNow(old?.expiresAt ?? '')).toBeCloseTo(1.5, 2);
  });

  it("sets and caps a programmatic key's expiry: apikeys create --expires-in", () => {
    const org = keywardJson<{ id: string }>(['orgs', 'create', '--name', 'Expiring', ...db]);
    const create = (...extra: string[]) =>
      keywardJson<{ expiresAt?: string }>([
        'apikeys',
        'create',
        '--org',
        org.id,
        '--desc',
        'ci',
        '--role',
        'ORG_MEMBER',
        ...extra,
        ...db,
      ]);
    expect(daysFromNow(create('--expires-in', '7d').expiresAt ?? '')).toBeCloseTo(7, 2);
    const capped = create('--expires-in', '7d', '--max-key-lifetime', '36h');
    expect(daysFromNow(capped.expiresAt ?? '')).toBeCloseTo(1.5, 2);
    expect(create()).not.toHaveProperty('expiresAt');
  });
});
