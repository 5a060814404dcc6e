// The identity headers a proxy passes upstream. One prefix, so a proxy config can strip
// every client-sent one with a single rule, and every header always present (empty when
// there is nothing to say), so a proxy copying them overwrites rather than keeps a
// client's forgery.

import type { UserRecord } from '../domain/records.js';

export const IDENTITY_PREFIX = 'X-Keyward-';

export const IDENTITY_HEADERS = {
  userId: 'X-Keyward-User-Id',
  username: 'X-Keyward-Username',
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

export function identityHeaders(user: UserRecord, keyId: string): Record<string, string> {
  return {
    [IDENTITY_HEADERS.userId]: user.id,
    [IDENTITY_HEADERS.username]: headerSafe(user.username),
    [IDENTITY_HEADERS.keyId]: keyId,
    [IDENTITY_HEADERS.orgs]: user.orgRoles.map((m) => `${m.orgId}:${m.roleName}`).join(','),
    [IDENTITY_HEADERS.globalRoles]: user.globalRoles.join(','),
  };
}
