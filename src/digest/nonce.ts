// Stateless, authenticated nonces. Issuing a challenge must not allocate server state
// (anyone can ask for one, unauthenticated), so the nonce carries its own issue time and
// a MAC under a server secret shared by every instance:
//
//   version (1) | issued at, ms since epoch (6, big-endian) | random (8) | HMAC-SHA-256 (16)
//
// 31 bytes, base64url without padding: 42 characters, all token characters (so clients
// may even send it unquoted). The random part makes two nonces issued in the same
// millisecond differ; the MAC makes the issue time trustworthy.

import { createHmac, randomFillSync, timingSafeEqual } from 'node:crypto';

const VERSION = 1;
const TIME_OFFSET = 1;
const RANDOM_OFFSET = 7;
const MAC_OFFSET = 15;
const MAC_LENGTH = 16;
const NONCE_BYTES = MAC_OFFSET + MAC_LENGTH;
const NONCE_CHARS = Math.ceil((NONCE_BYTES * 8) / 6);

export type NonceStatus =
  | { readonly kind: 'valid'; readonly issuedAt: number }
  | { readonly kind: 'expired'; readonly issuedAt: number }
  | { readonly kind: 'forged' };

export interface NonceCodec {
  issue(): string;
  /** `at` lets a caller judge expiry at the same instant it uses elsewhere. */
  open(nonce: string, at?: number): NonceStatus;
  /** Expiry alone, for a nonce whose authenticity is already established. */
  age(issuedAt: number, at: number): NonceStatus;
}

export interface NonceCodecOptions {
  /** The first secret signs; all of them verify, so a secret can be rotated without a 401 storm. */
  readonly secrets: readonly Buffer[];
  readonly lifetimeMs: number;
  readonly now?: () => number;
}

const FORGED: NonceStatus = { kind: 'forged' };

export function createNonceCodec(options: NonceCodecOptions): NonceCodec {
  const { secrets, lifetimeMs } = options;
  const now = options.now ?? Date.now;
  const signing = secrets[0];
  if (signing === undefined) throw new Error('createNonceCodec: at least one secret is required');
  // Short secrets would make the MAC guessable; refuse them at startup rather than weaken it.
  if (secrets.some((s) => s.length < 16)) {
    throw new Error('createNonceCodec: secrets must be at least 16 bytes');
  }

  function mac(secret: Buffer, bytes: Buffer): Buffer {
    return createHmac('sha256', secret)
      .update(bytes.subarray(0, MAC_OFFSET))
      .digest()
      .subarray(0, MAC_LENGTH);
  }

  return {
    issue(): string {
      const bytes = Buffer.allocUnsafe(NONCE_BYTES);
      bytes[0] = VERSION;
      bytes.writeUIntBE(now(), TIME_OFFSET, 6);
      randomFillSync(bytes, RANDOM_OFFSET, MAC_OFFSET - RANDOM_OFFSET);
      mac(signing, bytes).copy(bytes, MAC_OFFSET);
      return bytes.toString('base64url');
    },

    open(nonce: string, at: number = now()): NonceStatus {
      // Length first: never decode an attacker's megabyte.
      if (nonce.length !== NONCE_CHARS) return FORGED;
      const bytes = Buffer.from(nonce, 'base64url');
      // Node's decoder skips invalid characters and ignores trailing bits; insist on the
      // canonical spelling so one nonce has exactly one string (the replay window keys on it).
      if (bytes.length !== NONCE_BYTES || bytes.toString('base64url') !== nonce) return FORGED;
      if (bytes[0] !== VERSION) return FORGED;
      const sent = bytes.subarray(MAC_OFFSET);
      let authentic = false;
      // Try every secret even after a match: the loop's time should not say which one signed.
      for (const secret of secrets) {
        if (timingSafeEqual(mac(secret, bytes), sent)) authentic = true;
      }
      if (!authentic) return FORGED;
      return this.age(bytes.readUIntBE(TIME_OFFSET, 6), at);
    },

    age(issuedAt: number, at: number): NonceStatus {
      return at - issuedAt > lifetimeMs
        ? { kind: 'expired', issuedAt }
        : { kind: 'valid', issuedAt };
    },
  };
}
