import { describe, expect, it } from 'vitest';
import { mayActOnOthers, mayListOrgUsers } from '../../src/domain/access.js';
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
