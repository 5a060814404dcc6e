import type { Credentials } from '../store/store.js';
import type { AccessOwner } from './access-list.js';
import type { GlobalRole, OrgApiKeyRecord, OrgMembership, UserRecord } from './records.js';

/**
 * Who a verified request acts as: a user (signed with one of their personal keys) or an
 * org's programmatic key (signed with its private key). Routes, access rules and the
 * gateway take this one type, so neither kind can be mistaken for the other.
 */
export type Principal =
  | { readonly kind: 'user'; readonly user: UserRecord }
  | { readonly kind: 'apiKey'; readonly apiKey: OrgApiKeyRecord };

/** What role-based rules read of any principal. */
export interface RoleHolder {
  readonly orgRoles: readonly OrgMembership[];
  readonly globalRoles: readonly GlobalRole[];
}

/** A programmatic key holds roles in its own org only, and never a global role. */
export function rolesOf(principal: Principal): RoleHolder {
  if (principal.kind === 'user') return principal.user;
  const { orgId, roles } = principal.apiKey;
  return { orgRoles: roles.map((roleName) => ({ orgId, roleName })), globalRoles: [] };
}

/** The name the principal signs with: a username, or a programmatic key's public key. */
export function digestName(principal: Principal): string {
  return principal.kind === 'user' ? principal.user.username : principal.apiKey.publicKey;
}

/** The principal a verified name's credentials stand for. */
export function principalOf(credentials: Credentials): Principal {
  return 'user' in credentials
    ? { kind: 'user', user: credentials.user }
    : { kind: 'apiKey', apiKey: credentials.apiKey };
}

/** Whose API access list gates the principal: the user's (for personal keys), or the key's own. */
export function accessOwnerOf(principal: Principal): AccessOwner {
  return principal.kind === 'user'
    ? { kind: 'user', id: principal.user.id }
    : { kind: 'apiKey', id: principal.apiKey.id };
}
