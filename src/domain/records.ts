// The records keyward stores, as the domain sees them. The store maps rows to these;
// the HTTP layer maps these to wire documents. Dates are UTC ISO-8601 strings with
// second precision and `Z` (the wire format), so no layer converts them twice.

/** A 24-hex lowercase ObjectId. */
export type ObjectId = string;

/** UTC ISO-8601 with second precision, e.g. `2018-05-14T14:45:22Z`. */
export type Timestamp = string;

/** The hash functions keys are stored under; `-sess` variants reuse the same HA1. */
export const HASH_NAMES = ['MD5', 'SHA-256', 'SHA-512-256'] as const;
export type HashName = (typeof HASH_NAMES)[number];

/** HA1 = H(username:realm:key), lowercase hex, one per hash function. Password-equivalent. */
export type Ha1Set = Readonly<Record<HashName, string>>;

export const ORG_ROLES = [
  'ORG_OWNER',
  'ORG_MEMBER',
  'ORG_GROUP_CREATOR',
  'ORG_BILLING_ADMIN',
  'ORG_READ_ONLY',
] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

export function isOrgRole(value: string): value is OrgRole {
  return (ORG_ROLES as readonly string[]).includes(value);
}

export const GLOBAL_ROLES = ['GLOBAL_OWNER'] as const;
export type GlobalRole = (typeof GLOBAL_ROLES)[number];

export interface OrgRecord {
  readonly id: ObjectId;
  readonly name: string;
  readonly createdAt: Timestamp;
}

export interface OrgMembership {
  readonly orgId: ObjectId;
  readonly roleName: OrgRole;
}

export interface UserRecord {
  readonly id: ObjectId;
  readonly username: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly emailAddress: string;
  readonly createdAt: Timestamp;
  readonly orgRoles: readonly OrgMembership[];
  readonly globalRoles: readonly GlobalRole[];
}

export interface ApiKeyRecord {
  readonly id: ObjectId;
  readonly userId: ObjectId;
  readonly description: string;
  readonly enabled: boolean;
  readonly createdAt: Timestamp;
  readonly lastUsed?: Timestamp;
  readonly usedCount: number;
  /** The key's last 12 characters, kept only for display. */
  readonly suffix: string;
  /** After this the key authenticates no more, as if disabled. */
  readonly expiresAt?: Timestamp;
  /** The client address and User-Agent of the latest use written by a usage flush. */
  readonly lastUsedAddress?: string;
  readonly lastUsedUserAgent?: string;
}

/** What digest verification needs about one enabled key. */
export interface KeyCredential {
  readonly keyId: ObjectId;
  readonly ha1: Ha1Set;
  /** Epoch milliseconds of `expiresAt`, parsed once when cached (src/domain/expiry.ts). */
  readonly expiresAtMs?: number;
}

/** A page request: 0-based offset and a limit, as the store wants it. */
export interface PageRequest {
  readonly offset: number;
  readonly limit: number;
  /** When false the store may skip counting and return `total: undefined`. */
  readonly includeCount: boolean;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly total?: number;
}

/** Expected failures travel as values; exceptions are for broken infrastructure. */
export type Outcome<T, E extends string> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

/**
 * A value of the store's credentials revision that one committed write produced. Each write
 * to users, memberships, roles or keys bumps it once, so no two writes share one; the brand
 * keeps anything but a store write's answer from passing as one.
 */
export type Revision = number & { readonly brand: 'Revision' };

/** A write to users, memberships, roles or keys: on success, also the revision it produced. */
export type Written<T, E extends string> =
  | { readonly ok: true; readonly value: T; readonly revision: Revision }
  | { readonly ok: false; readonly error: E };

/**
 * A programmatic API key of an org (Atlas' successor to personal keys): its public key is
 * the Digest username, its private key the password, stored only as HA1s like a personal key.
 */
export interface OrgApiKeyRecord {
  readonly id: ObjectId;
  readonly orgId: ObjectId;
  /** 8 lowercase letters; the Digest username. */
  readonly publicKey: string;
  readonly description: string;
  /** Roles in `orgId`, sorted. */
  readonly roles: readonly OrgRole[];
  readonly createdAt: Timestamp;
  readonly lastUsed?: Timestamp;
  readonly usedCount: number;
  /** The private key's last 12 characters, kept only for display. */
  readonly suffix: string;
  /** When it stops authenticating (keyward's extension, src/domain/expiry.ts). */
  readonly expiresAt?: Timestamp;
}
