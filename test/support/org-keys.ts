// Set-up shared by the suites about an org's programmatic keys.
import { newObjectId } from '../../src/domain/ids.js';
import type { Account, TestApi } from './api.js';

/** What signs a request: a username and key, or a public and private key. */
export interface Signer {
  readonly username: string;
  readonly key: string;
}

/** The plain 401 body: the same for a wrong key and for a caller who may not. */
export const UNAUTHORIZED = {
  error: 401,
  reason: 'Unauthorized',
  detail: 'You are not authorized for this resource.',
};

/** An ORG_OWNER of the test org, and another org with its own ORG_OWNER. */
export async function twoOrgOwners(api: TestApi): Promise<{
  owner: Account;
  otherOrg: string;
  otherOwner: Account;
}> {
  const owner = await api.account({
    username: 'owner@example.com',
    org: { orgId: api.orgId, roleName: 'ORG_OWNER' },
  });
  const otherOrg = newObjectId();
  await api.service.store.createOrg({
    id: otherOrg,
    name: 'Other',
    createdAt: '2026-01-01T00:00:00Z',
  });
  const otherOwner = await api.account({
    username: 'other@example.com',
    org: { orgId: otherOrg, roleName: 'ORG_OWNER' },
  });
  return { owner, otherOrg, otherOwner };
}
