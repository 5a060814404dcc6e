import { describe, expect, it } from 'vitest';
import { denial, requirementsOf, unknownRole } from '../../src/gateway/requirements.js';
import { userRecord } from '../support/records.js';

describe('requirements', () => {
  const org = '0123456789abcdef01234567';
  const record = userRecord({ orgRoles: [{ orgId: org, roleName: 'ORG_MEMBER' }] });
  const user = { kind: 'user', user: record } as const;

  it('passes when every given parameter holds, any of its values', () => {
    expect(denial(user, requirementsOf({}))).toBeUndefined();
    expect(denial(user, requirementsOf({ org: ['f'.repeat(24), org] }))).toBeUndefined();
    expect(denial(user, requirementsOf({ orgRole: `${org}:ORG_MEMBER` }))).toBeUndefined();
    expect(denial(user, requirementsOf({ username: record.username, org }))).toBeUndefined();
  });

  it('says which requirement failed', () => {
    expect(denial(user, requirementsOf({ orgRole: `${org}:ORG_OWNER` }))).toBe(
      `lacks role ORG_OWNER in org ${org}`,
    );
    expect(denial(user, requirementsOf({ globalRole: 'GLOBAL_OWNER' }))).toBe(
      'lacks global role GLOBAL_OWNER',
    );
    expect(denial(user, requirementsOf({ username: ['x', 'y'] }))).toBe(
      'username not allowed here',
    );
    expect(denial(user, requirementsOf({ org: 'f'.repeat(24) }))).toMatch(/^not a member of org/);
  });

  it('flags a role keyward does not know, which would deny everyone', () => {
    expect(unknownRole(requirementsOf({ orgRole: `${org}:ORG_OWNR` }))).toBe('ORG_OWNR');
    expect(unknownRole(requirementsOf({ orgRole: `${org}:ORG_OWNER` }))).toBeUndefined();
  });
});
