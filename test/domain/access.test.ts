import { describe, expect, it } from 'vitest';
import {
  actingUserId,
  mayActOnOthers,
  mayAdminister,
  mayAdministerOrg,
  mayCreateUserIn,
  mayListOrgUsers,
  mayManageKeysOf,
  mayManageOrgMembers,
  mayReadOrg,
  ownedOrgIds,
  visibleOrgs,
} from '../../src/domain/access.js';
import type { Principal } from '../../src/domain/principal.js';
import type { UserRecord } from '../../src/domain/records.js';
import { userRecord } from '../support/records.js';

const ORG = 'a'.repeat(24);
const user = userRecord;

describe('access rules', () => {
  it('lets only a GLOBAL_OWNER act on users other than itself, whatever its org roles', () => {
    expect(mayActOnOthers(user({ globalRoles: ['GLOBAL_OWNER'] }))).toBe(true);
    expect(mayActOnOthers(user({}))).toBe(false);
    expect(mayActOnOthers(user({ orgRoles: [{ orgId: ORG, roleName: 'ORG_OWNER' }] }))).toBe(false);
  });

  it('lets members of an org, and GLOBAL_OWNERs, list its users', () => {
    expect(mayListOrgUsers(user({ orgRoles: [{ orgId: ORG, roleName: 'ORG_MEMBER' }] }), ORG)).toBe(
      true,
    );
    expect(mayListOrgUsers(user({ globalRoles: ['GLOBAL_OWNER'] }), ORG)).toBe(true);
    expect(mayListOrgUsers(user({}), ORG)).toBe(false);
  });
});

describe('console access rules', () => {
  const OTHER = 'c'.repeat(24);
  const owner = user({ orgRoles: [{ orgId: ORG, roleName: 'ORG_OWNER' }] });

  it('lets a user manage their own keys, and only a GLOBAL_OWNER anyone else’s', () => {
    expect(mayManageKeysOf(user({}), 'b'.repeat(24))).toBe(true);
    expect(mayManageKeysOf(user({}), OTHER)).toBe(false);
    expect(mayManageKeysOf(owner, OTHER)).toBe(false);
    expect(mayManageKeysOf(user({ globalRoles: ['GLOBAL_OWNER'] }), OTHER)).toBe(true);
    expect(mayAdminister(owner)).toBe(false);
  });

  it('lets an ORG_OWNER manage the members of their own orgs only', () => {
    expect(mayManageOrgMembers(owner, ORG)).toBe(true);
    expect(mayManageOrgMembers(owner, OTHER)).toBe(false);
    const member = user({ orgRoles: [{ orgId: ORG, roleName: 'ORG_MEMBER' }] });
    expect(mayManageOrgMembers(member, ORG)).toBe(false);
    expect(mayManageOrgMembers(user({ globalRoles: ['GLOBAL_OWNER'] }), OTHER)).toBe(true);
    expect(ownedOrgIds(owner)).toEqual([ORG]);
    expect(ownedOrgIds(member)).toEqual([]);
  });
});

describe('org and user resource rules', () => {
  const OTHER = 'c'.repeat(24);
  const as = (record: UserRecord): Principal => ({ kind: 'user', user: record });
  const ownerRecord = user({
    orgRoles: [
      { orgId: ORG, roleName: 'ORG_OWNER' },
      { orgId: OTHER, roleName: 'ORG_MEMBER' },
    ],
  });
  const owner = as(ownerRecord);
  const nobody = as(user({}));
  const root = as(user({ globalRoles: ['GLOBAL_OWNER'] }));
  const ownerKey: Principal = {
    kind: 'apiKey',
    apiKey: {
      id: 'd'.repeat(24),
      orgId: ORG,
      publicKey: 'abcdefgh',
      description: 'ci',
      roles: ['ORG_OWNER'],
      createdAt: '2026-01-01T00:00:00Z',
      usedCount: 0,
      suffix: '0123456789ab',
    },
  };

  it('lists the orgs a user is in, and every org for a GLOBAL_OWNER', () => {
    expect(visibleOrgs(owner)).toEqual([ORG, OTHER]);
    expect(visibleOrgs(nobody)).toEqual([]);
    expect(visibleOrgs(root)).toBe('all');
  });

  it('lets members read an org and only its ORG_OWNERs (or a GLOBAL_OWNER) change it', () => {
    expect(mayReadOrg(owner, OTHER)).toBe(true);
    expect(mayAdministerOrg(owner, ORG)).toBe(true);
    expect(mayAdministerOrg(owner, OTHER)).toBe(false);
    expect(mayAdministerOrg(root, OTHER)).toBe(true);
  });

  it('lets an ORG_OWNER create users only in orgs it owns, and a GLOBAL_OWNER anywhere', () => {
    expect(mayCreateUserIn(owner, [ORG])).toBe(true);
    expect(mayCreateUserIn(owner, [ORG, OTHER])).toBe(false);
    expect(mayCreateUserIn(owner, [])).toBe(false);
    expect(mayCreateUserIn(nobody, [ORG])).toBe(false);
    expect(mayCreateUserIn(root, [OTHER])).toBe(true);
  });

  it('names the caller for "everyone but the caller" rules', () => {
    expect(actingUserId(owner)).toBe(ownerRecord.id);
    expect(actingUserId(ownerKey)).toBeUndefined();
  });

  it('gives a programmatic key its own org, with its roles there', () => {
    expect(visibleOrgs(ownerKey)).toEqual([ORG]);
    expect(mayReadOrg(ownerKey, ORG)).toBe(true);
    expect(mayReadOrg(ownerKey, OTHER)).toBe(false);
    expect(mayAdministerOrg(ownerKey, ORG)).toBe(true);
    expect(mayCreateUserIn(ownerKey, [ORG])).toBe(true);
    expect(mayCreateUserIn(ownerKey, [OTHER])).toBe(false);
  });
});
