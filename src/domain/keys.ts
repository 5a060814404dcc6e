import { randomUUID } from 'node:crypto';
import { computeHa1 } from '../digest/index.js';
import type { Store } from '../store/store.js';
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
}

export interface IssuedKey {
  readonly record: ApiKeyRecord;
  /** What Digest verification needs of the new key (for caches; never shown). */
  readonly credential: KeyCredential;
  /** The full key: hand it to the user once and drop it. */
  readonly key: string;
}

/** Creates a key for a user; the API, the CLI and the console all issue keys through here. */
export async function issueKey(
  store: Store,
  request: IssueKeyRequest,
): Promise<Written<IssuedKey, 'user-not-found' | 'too-many-keys'>> {
  const material = keyMaterial(request.user.username, request.realm);
  const created = await store.createKey(
    {
      id: newObjectId(),
      userId: request.user.id,
      description: request.description,
      createdAt: toTimestamp(),
      suffix: material.suffix,
      ha1: material.ha1,
    },
    request.maxKeysPerUser,
  );
  if (!created.ok) return created;
  const credential = { keyId: created.value.id, ha1: material.ha1 };
  return {
    ok: true,
    value: { record: created.value, credential, key: material.key },
    revision: created.revision,
  };
}
