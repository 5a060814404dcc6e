import { randomUUID } from 'node:crypto';
import { computeHa1 } from '../digest/index.js';
import type { NewApiKey, Store } from '../store/store.js';
import { expiryMs, expiryOf } from './expiry.js';
import { newObjectId } from './ids.js';
import {
  type ApiKeyRecord,
  HASH_NAMES,
  type Ha1Set,
  type HashName,
  type KeyCredential,
  type UserRecord,
  type Written,
} from './records.js';
import { toTimestamp } from './time.js';

const SUFFIX_LENGTH = 12;
/** Atlas's limit on a key's description. */
export const MAX_DESCRIPTION_LENGTH = 250;

/** What a new key is made of: the key itself (shown once) and what may be stored. */
export interface KeyMaterial {
  readonly key: string;
  readonly suffix: string;
  readonly ha1: Ha1Set;
}

/** Keys are lowercase UUID v4 strings, as Atlas issues them (122 random bits). */
export function generateApiKey(): string {
  return randomUUID();
}

/**
 * The key is never stored: only HA1 per hash (what Digest verification needs, bound to
 * this username and realm) and the last 12 characters for display.
 */
export function keyMaterial(username: string, realm: string, key = generateApiKey()): KeyMaterial {
  const ha1 = Object.fromEntries(
    HASH_NAMES.map((hash: HashName) => [hash, computeHa1(hash, username, realm, key)]),
  ) as Record<HashName, string>;
  return { key, suffix: key.slice(-SUFFIX_LENGTH), ha1 };
}

/** `5b27d00d-e454-4a21-863e-670587c49cc9` → `********-****-****-670587c49cc9`. */
export function obfuscateKey(suffix: string): string {
  return `********-****-****-${suffix}`;
}

export interface IssueKeyRequest {
  readonly user: UserRecord;
  readonly description: string;
  readonly realm: string;
  readonly maxKeysPerUser: number;
  /** How long the key should live; capped by `maxLifetimeMs` (src/domain/expiry.ts). */
  readonly expiresInMs?: number;
  /** The server-wide maximum lifetime; undefined: keys may live for ever. */
  readonly maxLifetimeMs?: number;
}

type KeyRequest = Omit<IssueKeyRequest, 'description'>;

export interface IssuedKey {
  readonly record: ApiKeyRecord;
  /** What Digest verification needs of the new key (for caches; never shown). */
  readonly credential: KeyCredential;
  /** The full key: hand it to the user once and drop it. */
  readonly key: string;
}

function newKey(request: KeyRequest, description: string) {
  const material = keyMaterial(request.user.username, request.realm);
  const expiresAt = expiryOf(request.expiresInMs, request.maxLifetimeMs);
  const key: NewApiKey = {
    id: newObjectId(),
    userId: request.user.id,
    description,
    createdAt: toTimestamp(),
    suffix: material.suffix,
    ha1: material.ha1,
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
  return { key, material };
}

function issued(record: ApiKeyRecord, material: KeyMaterial): IssuedKey {
  const expiresAtMs = expiryMs(record.expiresAt);
  return {
    record,
    credential: { keyId: record.id, ha1: material.ha1, ...(expiresAtMs && { expiresAtMs }) },
    key: material.key,
  };
}

/** Creates a key for a user; the API, the CLI and the console all issue keys through here. */
export async function issueKey(
  store: Store,
  request: IssueKeyRequest,
): Promise<Written<IssuedKey, 'user-not-found' | 'too-many-keys'>> {
  const { key, material } = newKey(request, request.description);
  const created = await store.createKey(key, request.maxKeysPerUser);
  if (!created.ok) return created;
  return { ok: true, value: issued(created.value, material), revision: created.revision };
}

/** The overlap when none is asked for: a day to deploy the new key everywhere. */
export const DEFAULT_ROLL_OVERLAP_MS = 86_400_000;

export interface RolledKey extends IssuedKey {
  /** The old key, now expiring after the overlap (or sooner, if it already did). */
  readonly old: ApiKeyRecord;
}

/**
 * Rotation: a new key with the old one's description, and the old one expiring `overlapMs`
 * from now, so both work while clients move over.
 */
export async function rollKey(
  store: Store,
  request: KeyRequest & { readonly keyId: string; readonly overlapMs: number },
): Promise<Written<RolledKey, 'user-not-found' | 'too-many-keys' | 'key-not-found'>> {
  const old = await store.getKey(request.user.id, request.keyId);
  if (!old) return { ok: false, error: 'key-not-found' };
  const { key, material } = newKey(request, old.description);
  const until = toTimestamp(new Date(Date.now() + request.overlapMs));
  const rolled = await store.rollKey(request.user.id, old.id, until, key, request.maxKeysPerUser);
  if (!rolled.ok) return rolled;
  const { created, old: expiring } = rolled.value;
  return {
    ok: true,
    value: { ...issued(created, material), old: expiring },
    revision: rolled.revision,
  };
}
