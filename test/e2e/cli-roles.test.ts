import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyward, keywardJson } from '../support/server-process.js';

interface UserDocument {
  id: string;
  firstName: string;
  lastName: string;
  emailAddress: string;
  roles: { orgId?: string; roleName: string }[];
}

// Each CLI call starts Node: 0.3 s on an idle machine, seconds on a loaded 2-core one.
describe('roles from the CLI after a user exists', { timeout: 120_000 }, () => {
  const folder = mkdtempSync(join(tmpdir(), 'keyward-roles-'));
  const db = ['--database', join(folder, 'keyward.db')];
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('sets and removes org roles and GLOBAL_OWNER, printing the user as the API would', () => {
    keywardJson(['migrate', ...db]);
    const org = keywardJson<{ id: string }>(['orgs', 'create', '--name', 'Acme', ...db]);
    keywardJson(['users', 'create', '--username', 'ada', ...db]);
    const as = (args: string[]) => keywardJson<UserDocument>([...args, '--username', 'ada', ...db]);

    expect(as(['users', 'set-role', '--org', org.id, '--role', 'ORG_OWNER']).roles).toEqual([
      { orgId: org.id, roleName: 'ORG_OWNER' },
    ]);
    expect(as(['users', 'set-role', '--org', org.id, '--role', 'ORG_READ_ONLY']).roles).toEqual([
      { orgId: org.id, roleName: 'ORG_READ_ONLY' },
    ]);
    expect(as(['users', 'global-owner', 'on']).roles).toContainEqual({ roleName: 'GLOBAL_OWNER' });
    expect(as(['users', 'global-owner', 'off']).roles).toEqual([
      { orgId: org.id, roleName: 'ORG_READ_ONLY' },
    ]);
    expect(as(['users', 'remove-role', '--org', org.id]).roles).toEqual([]);

    expect(
      as(['users', 'update', '--first-name', 'Ada', '--email', 'ada@example.com']),
    ).toMatchObject({
      firstName: 'Ada',
      lastName: '',
      emailAddress: 'ada@example.com',
    });
    expect(as(['users', 'update', '--last-name', 'Lovelace'])).toMatchObject({
      firstName: 'Ada',
      lastName: 'Lovelace',
    });
    const long = keyward([
      'users',
      'update',
      '--first-name',
      'x'.repeat(257),
      '--username',
      'ada',
      ...db,
    ]);
    expect(long.status).toBe(1);
    expect(long.stderr).toContain('at most 256 characters');

    const again = keyward(['users', 'remove-role', '--org', org.id, '--username', 'ada', ...db]);
    expect(again.status).toBe(1);
    expect(again.stderr.trim()).toBe('keyward: error: the user is not in that organization');
    const noOrg = keyward([
      'users',
      'set-role',
      '--org',
      'f'.repeat(24),
      '--role',
      'ORG_OWNER',
      '--username',
      'ada',
      ...db,
    ]);
    expect(noOrg.status).toBe(1);
    expect(noOrg.stderr).toContain('no organization has that id');

    // Deleting the org takes ada out of it and leaves her be.
    as(['users', 'set-role', '--org', org.id, '--role', 'ORG_MEMBER']);
    const gone = keywardJson<{ membershipsRemoved: number }>([
      'orgs',
      'delete',
      '--id',
      org.id,
      ...db,
    ]);
    expect(gone.membershipsRemoved).toBe(1);
    expect(as(['users', 'global-owner', 'off']).roles).toEqual([]);
    const orgGone = keyward(['orgs', 'delete', '--id', org.id, ...db]);
    expect(orgGone.status).toBe(1);
    expect(orgGone.stderr).toContain('no organization has that id');
    const badRole = keyward([
      'users',
      'set-role',
      '--org',
      org.id,
      '--role',
      'KING',
      '--username',
      'ada',
      ...db,
    ]);
    expect(badRole.status).not.toBe(0);
    expect(badRole.stderr).toContain('Allowed choices are ORG_OWNER');
  });
});
