import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { ObjectId } from '../domain/records.js';
import { toTimestamp } from '../domain/time.js';
import type { Store } from '../store/store.js';
import { sha256Hex } from './tokens.js';

/** A key just generated, waiting for the one page view that shows it. */
export interface Reveal {
  readonly userId: ObjectId;
  readonly keyId: ObjectId;
  readonly key: string;
}

const TTL_MS = 60_000;
const INFO = 'keyward console key reveal';

// AES-256-GCM under a key derived from the session's cookie value. The database holds only
// the cookie's SHA-256, so neither it nor a backup of it can open a sealed key; any
// instance that receives the cookie can. The user and key ids are bound in as associated
// data, so a sealed key cannot be moved to another row.
function cipherKey(sessionId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', sessionId, '', INFO, 32));
}

function seal(sessionId: string, reveal: Reveal): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', cipherKey(sessionId), iv);
  cipher.setAAD(Buffer.from(`${reveal.userId}/${reveal.keyId}`));
  const body = Buffer.concat([cipher.update(reveal.key, 'utf8'), cipher.final()]);
  return [iv, body, cipher.getAuthTag()].map((part) => part.toString('base64url')).join('.');
}

function open(sessionId: string, sealed: string, ids: Omit<Reveal, 'key'>): string | undefined {
  const [iv, body, tag] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  if (!iv || !body || !tag) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', cipherKey(sessionId), iv);
    decipher.setAAD(Buffer.from(`${ids.userId}/${ids.keyId}`));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/**
 * Generating a key is a POST; showing it in that POST's response would make a reload
 * re-submit the form and mint another key. Instead the POST leaves the key here, sealed,
 * for its session; the redirected GET takes it out, so it is shown exactly once, by
 * whichever instance serves it. A reveal nobody collects expires after a minute. The key is
 * never written anywhere in plaintext, nor logged.
 */
export class KeyReveals {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  /** `sessionId` is the cookie's value: the only thing that can open the sealed key. */
  put(sessionId: string, reveal: Reveal): Promise<void> {
    const now = this.now();
    return this.store.putConsoleReveal(
      {
        sessionHash: sha256Hex(sessionId),
        userId: reveal.userId,
        keyId: reveal.keyId,
        sealed: seal(sessionId, reveal),
        expiresAt: toTimestamp(new Date(now + TTL_MS)),
      },
      toTimestamp(new Date(now)),
    );
  }

  /** The session's pending key for this user's page, removed as it is read. */
  async take(sessionId: string, userId: ObjectId): Promise<Reveal | undefined> {
    const pending = await this.store.takeConsoleReveal(sha256Hex(sessionId), userId);
    if (!pending || pending.expiresAt <= toTimestamp(new Date(this.now()))) return undefined;
    const key = open(sessionId, pending.sealed, pending);
    return key === undefined ? undefined : { userId: pending.userId, keyId: pending.keyId, key };
  }
}

/**
 * A programmatic key has no user to file its reveal under (the table's user is a foreign
 * key to users), so it waits under the creating administrator, with its id marked so that
 * their own key pages never mistake it for a personal key.
 */
const API_KEY_REVEAL_PREFIX = 'org-api-key:';

export const apiKeyRevealId = (keyId: ObjectId): string => `${API_KEY_REVEAL_PREFIX}${keyId}`;

export const isApiKeyReveal = (reveal: Reveal): boolean =>
  reveal.keyId.startsWith(API_KEY_REVEAL_PREFIX);
