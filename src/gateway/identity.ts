// The identity headers a proxy passes upstream. One prefix, so a proxy config can strip
// every client-sent one with a single rule, and every header always present (empty when
// there is nothing to say), so a proxy copying them overwrites rather than keeps a
// client's forgery.

import { type Principal, rolesOf } from '../domain/principal.js';

export const IDENTITY_PREFIX = 'X-Keyward-';

export const IDENTITY_HEADERS = {
  principal: 'X-Keyward-Principal',
  userId: 'X-Keyward-User-Id',
  username: 'X-Keyward-Username',
  publicKey: 'X-Keyward-Public-Key',
  keyId: 'X-Keyward-Key-Id',
  orgs: 'X-Keyward-Orgs',
  globalRoles: 'X-Keyward-Global-Roles',
} as const;

/** Why a request was refused (403), for the operator's and client's eyes. */
export const DENIED_HEADER = 'X-Keyward-Denied';

// A header value carries visible ASCII and spaces only; anything else in a username (and
// `%` itself, so the encoding is reversible) is percent-encoded as UTF-8.
const headerSafe = (text: string): string =>
  text.replace(/[^\x20-\x24\x26-\x7e]/gu, (char) => encodeURIComponent(char));

/**
 * `X-Keyward-Principal` says which kind signed: `user` (a personal key; user id and username
 * set, public key empty) or `apiKey` (an org's programmatic key; user id and username empty,
 * so an upstream reading only those never takes a key for a user; public key set).
 */
export function identityHeaders(principal: Principal, keyId: string): Record<string, string> {
  const user = principal.kind === 'user' ? principal.user : undefined;
  const { orgRoles, globalRoles } = rolesOf(principal);
  return {
    [IDENTITY_HEADERS.principal]: principal.kind,
    [IDENTITY_HEADERS.userId]: user?.id ?? '',
    [IDENTITY_HEADERS.username]: user ? headerSafe(user.username) : '',
    [IDENTITY_HEADERS.publicKey]: principal.kind === 'apiKey' ? principal.apiKey.publicKey : '',
    [IDENTITY_HEADERS.keyId]: keyId,
    [IDENTITY_HEADERS.orgs]: orgRoles.map((m) => `${m.orgId}:${m.roleName}`).join(','),
    [IDENTITY_HEADERS.globalRoles]: globalRoles.join(','),
  };
}
