import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyward, keywardJson } from '../support/server-process.js';

interface Entry {
  cidrBlock: string;
  ipAddress?: string;
  comment?: string;
  count: number;
  links: { href: string; rel: string }[];
}

// Each CLI call starts Node: 0.3 s on an idle machine, up to twenty seconds on a 2-core one
// loaded by other suites, and this test makes eleven.
describe('keyward accesslist', { timeout: 300_000 }, () => {
  const folder = mkdtempSync(join(tmpdir(), 'keyward-accesslist-'));
  const db = ['--database', join(folder, 'keyward.db')];
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('adds, lists and deletes a user’s entries by name or id, as the API documents them', () => {
    keywardJson(['migrate', ...db]);
    const ada = keywardJson<{ id: string }>(['users', 'create', '--username', 'ada', ...db]);
    const added = keywardJson<Entry>([
      'accesslist',
      'add',
      '--user',
      'ada',
      '--address',
      '203.0.113.7',
      '--comment',
      'laptop',
      ...db,
    ]);
    expect(added).toMatchObject({
      cidrBlock: '203.0.113.7/32',
      ipAddress: '203.0.113.7',
      comment: 'laptop',
      count: 0,
    });
    expect(added.links[0]?.href).toMatch(
      new RegExp(`/api/atlas/v1\\.0/users/${ada.id}/accessList/203\\.0\\.113\\.7%2F32$`),
    );
    const byId = ['--user', ada.id, ...db];
    const again = keyward(['accesslist', 'add', '--address', '203.0.113.7/32', ...byId]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('already on ada');
    keyward(['accesslist', 'add', '--address', '2001:DB8::/32', ...byId]);
    const list = keywardJson<{ totalCount: number; results: Entry[] }>([
      'accesslist',
      'list',
      ...byId,
    ]);
    expect(list.totalCount).toBe(2);
    expect(list.results.map((e) => e.cidrBlock).sort()).toEqual([
      '2001:db8::/32',
      '203.0.113.7/32',
    ]);
    expect(keyward(['accesslist', 'list', ...byId]).stdout).toContain('laptop');

    const bad = keyward(['accesslist', 'add', '--address', '10.0.0.300', ...byId]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('10.0.0.300 is no IP address or CIDR block');
    expect(keyward(['accesslist', 'delete', '--address', '203.0.113.7', ...byId]).status).toBe(0);
    const missing = keyward(['accesslist', 'delete', '--address', '203.0.113.7', ...byId]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('203.0.113.7/32 is not on ada');
    const nobody = keyward(['accesslist', 'list', '--user', 'nobody', ...db]);
    expect(nobody.status).toBe(1);
    expect(nobody.stderr).toContain('no user named "nobody"');
  });
});
