import { randomBytes } from 'node:crypto';
import type { Store } from '../store/store.js';
import { expiryMs, expiryOf } from './expiry.js';
import { newObjectId } from './ids.js';
import { generateApiKey, keyMaterial } from './keys.js';
import {
  isOrgRole,
  type KeyCredential,
  type ObjectId,
  type OrgApiKeyRecord,
  type OrgRole,
  type Written,
} from './records.js';
import { toTimestamp } from './time.js';

// Programmatic API keys (Atlas' "API keys" of an org): the public key is the Digest username,
// the private key a lowercase UUID like a personal key, stored only as HA1s.

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
export const PUBLIC_KEY_LENGTH = 8;
/** The largest multiple of 26 a byte can hold: bytes from here on are redrawn, so no letter is likelier. */
const UNBIASED_BELOW = 256 - (256 % LETTERS.length);

/** 8 lowercase letters, e.g. `ewmaqvdo` (37.6 bits: a name, not a secret). */
export function generatePublicKey(): string {
  let key = '';
  while (key.length < PUBLIC_KEY_LENGTH) {
    for (const byte of randomBytes(PUBLIC_KEY_LENGTH)) {
      if (byte < UNBIASED_BELOW && key.length < PUBLIC_KEY_LENGTH) {
        key += LETTERS[byte % LETTERS.length];
      }
    }
  }
  return key;
}

/** Atlas' limits on a programmatic key's description. */
export const MAX_API_KEY_DESC_LENGTH = 250;

/** Required, 1-250 characters, and not only spaces (a blank desc names nothing). */
export function isValidApiKeyDesc(desc: string | undefined): desc is string {
  return desc !== undefined && desc.trim() !== '' && desc.length <= MAX_API_KEY_DESC_LENGTH;
}

/** Why a create or update body is refused (src/http/routes/org-api-keys.ts names the codes). */
export type ApiKeyRefusal =
  | { readonly ok: false; readonly error: 'invalid-desc' }
  | { readonly ok: false; readonly error: 'missing-roles' }
  | { readonly ok: false; readonly error: 'unknown-role'; readonly role: string };

export interface ApiKeyChanges {
  readonly description?: string;
  readonly roles?: readonly OrgRole[];
}

/**
 * A create (every field required) or update (each field optional) body, checked in the
 * order Atlas reports: the description, then the roles (at least one, each an org role
 * keyward knows; repeats collapse).
 */
export function checkApiKeyChanges(
  body: { readonly desc?: string; readonly roles?: readonly string[] },
  creating: boolean,
): { readonly ok: true; readonly value: ApiKeyChanges } | ApiKeyRefusal {
  const { desc, roles } = body;
  if ((creating || desc !== undefined) && !isValidApiKeyDesc(desc)) {
    return { ok: false, error: 'invalid-desc' };
  }
  const description = desc === undefined ? {} : { description: desc };
  if (!creating && roles === undefined) return { ok: true, value: description };
  if (roles === undefined || roles.length === 0) return { ok: false, error: 'missing-roles' };
  const unknown = roles.find((role) => !isOrgRole(role));
  if (unknown !== undefined) return { ok: false, error: 'unknown-role', role: unknown };
  const known = [...new Set(roles as readonly OrgRole[])].sort();
  return { ok: true, value: { ...description, roles: known } };
}

export interface IssueOrgApiKeyRequest {
  readonly orgId: ObjectId;
  readonly description: string;
  readonly roles: readonly OrgRole[];
  readonly realm: string;
  /** As for personal keys (src/domain/keys.ts): asked-for lifetime, capped by the maximum. */
  readonly expiresInMs?: number;
  readonly maxLifetimeMs?: number;
}

export interface IssuedOrgApiKey {
  readonly record: OrgApiKeyRecord;
  /** What Digest verification needs of the new key (for caches; never shown). */
  readonly credential: KeyCredential;
  /** The full private key: hand it over once and drop it. */
  readonly privateKey: string;
}

/** Draws this many public keys before giving up: a clash needs ~10^5 names to be likely. */
const PUBLIC_KEY_DRAWS = 5;

/** Creates a programmatic key; the API and the CLI both issue them through here. */
export async function issueOrgApiKey(
  store: Store,
  request: IssueOrgApiKeyRequest,
): Promise<Written<IssuedOrgApiKey, 'org-not-found'>> {
  const privateKey = generateApiKey();
  const expiresAt = expiryOf(request.expiresInMs, request.maxLifetimeMs);
  for (let draw = 1; ; draw++) {
    const publicKey = generatePublicKey();
    const material = keyMaterial(publicKey, request.realm, privateKey);
    const created = await store.createOrgApiKey({
      id: newObjectId(),
      orgId: request.orgId,
      publicKey,
      description: request.description,
      roles: request.roles,
      createdAt: toTimestamp(),
      suffix: material.suffix,
      ha1: material.ha1,
      ...(expiresAt === undefined ? {} : { expiresAt }),
    });
    if (created.ok) {
      const expiresAtMs = expiryMs(expiresAt);
      const credential = {
        keyId: created.value.id,
        ha1: material.ha1,
        ...(expiresAtMs === undefined ? {} : { expiresAtMs }),
      };
      return {
        ok: true,
        value: { record: created.value, credential, privateKey },
        revision: created.revision,
      };
    }
    if (created.error === 'org-not-found') return { ok: false, error: 'org-not-found' };
    if (draw === PUBLIC_KEY_DRAWS) throw new Error('no free public key after several draws');
  }
}
