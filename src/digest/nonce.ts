// Stateless, authenticated nonces, bound to their issuer. Issuing a challenge must not allocate
// server state (anyone can ask for one, unauthenticated), so the nonce carries its own issue
// time and a MAC under a server secret shared by every instance. Version 2:
//
//   version (1) | issuer (8) | issued at, ms since epoch (6, big-endian) | random (8) | HMAC-SHA-256 (16)
//
// 39 bytes, base64url without padding: 52 characters, all token characters (so clients may
// even send it unquoted). The issuer names the replay window that will track the nonce's nc
// values: only that window knows which were accepted, and a window is lost with its process.
// So a nonce of another issuer (an earlier run of this process, another process sharing the
// secret) is `foreign`: authentic, never tracked here, answered stale. The random part makes
// two nonces of one issuer and millisecond differ; the MAC makes issuer and time trustworthy.
//
// Version 1, `version | issued at | random | MAC` (31 bytes, 42 characters), was issued before
// issuers existed. It still authenticates, but always as foreign: a client holding one during
// an upgrade is told to retry, and none of its (nonce, nc) can be accepted twice.

import {
  createHmac,
  createSecretKey,
  type KeyObject,
  randomBytes,
  randomFillSync,
  timingSafeEqual,
} from 'node:crypto';

/** The issuer's length in bytes. */
export const NONCE_ISSUER_BYTES = 8;
const MAC_LENGTH = 16;

interface Layout {
  readonly version: number;
  readonly timeOffset: number;
  /** The MAC covers every byte before it. */
  readonly macOffset: number;
  readonly bytes: number;
  readonly chars: number;
}

function layout(version: number, timeOffset: number): Layout {
  const macOffset = timeOffset + 6 + 8;
  const bytes = macOffset + MAC_LENGTH;
  return { version, timeOffset, macOffset, bytes, chars: Math.ceil((bytes * 8) / 6) };
}

const V1 = layout(1, 1);
const ISSUER_OFFSET = 1;
const V2 = layout(2, ISSUER_OFFSET + NONCE_ISSUER_BYTES);

export type NonceStatus =
  | { readonly kind: 'valid'; readonly issuedAt: number }
  | { readonly kind: 'expired'; readonly issuedAt: number }
  /** `issuer` in hex, undefined for version 1 (issued before issuers existed). */
  | { readonly kind: 'foreign'; readonly issuedAt: number; readonly issuer?: string }
  | { readonly kind: 'forged' };

export interface NonceCodec {
  issue(): string;
  /** `at` lets a caller judge expiry at the same instant it uses elsewhere. */
  open(nonce: string, at?: number): NonceStatus;
  /** Expiry alone, for a nonce whose authenticity and issuer are already established. */
  age(issuedAt: number, at: number): NonceStatus;
}

export interface NonceCodecOptions {
  /** The first secret signs; all of them verify, so a secret can be rotated without a 401 storm. */
  readonly secrets: readonly Buffer[];
  readonly lifetimeMs: number;
  /**
   * NONCE_ISSUER_BYTES naming the replay window behind this codec; only nonces it names open
   * as valid. Default: random, so every codec (every process start) is its own issuer. A
   * function is asked on every issue and open: the issuer may change (a shared store's epoch).
   */
  readonly issuer?: Buffer | (() => Buffer);
  readonly now?: () => number;
}

const FORGED: NonceStatus = { kind: 'forged' };
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function createNonceCodec(options: NonceCodecOptions): NonceCodec {
  const { secrets, lifetimeMs } = options;
  const now = options.now ?? Date.now;
  const issuerOf = issuerSource(options.issuer);
  const signing = secrets[0];
  if (signing === undefined) throw new Error('createNonceCodec: at least one secret is required');
  // Short secrets would make the MAC guessable; refuse them at startup rather than weaken it.
  if (secrets.some((s) => s.length < 16)) {
    throw new Error('createNonceCodec: secrets must be at least 16 bytes');
  }
  if (issuerOf().length !== NONCE_ISSUER_BYTES) {
    throw new Error(`createNonceCodec: the issuer must be ${NONCE_ISSUER_BYTES} bytes`);
  }

  // Made once: a raw Buffer key is turned into a key object on every createHmac.
  const signingKey = createSecretKey(signing);
  const keys = [signingKey, ...secrets.slice(1).map((secret) => createSecretKey(secret))];
  const random = randomPool();

  function mac(secret: KeyObject, bytes: Buffer, end: number): Buffer {
    return createHmac('sha256', secret)
      .update(bytes.subarray(0, end))
      .digest()
      .subarray(0, MAC_LENGTH);
  }

  function authentic(bytes: Buffer, macOffset: number): boolean {
    const sent = bytes.subarray(macOffset);
    let found = false;
    // Try every secret even after a match: the loop's time should not say which one signed.
    for (const key of keys) {
      if (timingSafeEqual(mac(key, bytes, macOffset), sent)) found = true;
    }
    return found;
  }

  return {
    issue(): string {
      const bytes = Buffer.allocUnsafe(V2.bytes);
      bytes[0] = V2.version;
      issuerOf().copy(bytes, ISSUER_OFFSET);
      bytes.writeUIntBE(now(), V2.timeOffset, 6);
      random(bytes, V2.timeOffset + 6, 8);
      mac(signingKey, bytes, V2.macOffset).copy(bytes, V2.macOffset);
      return bytes.toString('base64url');
    },

    open(nonce: string, at: number = now()): NonceStatus {
      // Length first: never decode an attacker's megabyte.
      const format = nonce.length === V2.chars ? V2 : nonce.length === V1.chars ? V1 : undefined;
      if (format === undefined) return FORGED;
      // Node's decoder skips invalid characters, ignores trailing bits and takes + and / too;
      // insist on the canonical spelling so one nonce has exactly one string (the replay
      // window keys on it). Version 2's 39 bytes fill 52 characters exactly (no trailing
      // bits), so its own alphabet is enough; version 1's 31 bytes leave 4 bits to re-check.
      if (!BASE64URL.test(nonce)) return FORGED;
      const bytes = Buffer.from(nonce, 'base64url');
      if (bytes.length !== format.bytes) return FORGED;
      if (format === V1 && bytes.toString('base64url') !== nonce) return FORGED;
      if (bytes[0] !== format.version || !authentic(bytes, format.macOffset)) return FORGED;
      const issuedAt = bytes.readUIntBE(format.timeOffset, 6);
      const status = this.age(issuedAt, at);
      if (status.kind === 'expired') return status;
      if (format !== V2) return { kind: 'foreign', issuedAt };
      const end = ISSUER_OFFSET + NONCE_ISSUER_BYTES;
      if (issuerOf().compare(bytes, ISSUER_OFFSET, end) === 0) return status;
      return { kind: 'foreign', issuedAt, issuer: bytes.toString('hex', ISSUER_OFFSET, end) };
    },

    age(issuedAt: number, at: number): NonceStatus {
      return at - issuedAt > lifetimeMs
        ? { kind: 'expired', issuedAt }
        : { kind: 'valid', issuedAt };
    },
  };
}

/**
 * Random bytes drawn from a pool filled 4 KiB at a time: one call into the CSPRNG per 512
 * nonces instead of one per nonce (3% of a fresh-nonce request's CPU, profiled). The bytes
 * are the same CSPRNG output, each handed out once.
 */
function randomPool(size = 4096): (target: Buffer, offset: number, length: number) => void {
  const pool = Buffer.allocUnsafe(size);
  let used = size;
  return (target, offset, length) => {
    if (used + length > size) {
      randomFillSync(pool);
      used = 0;
    }
    pool.copy(target, offset, used, used + length);
    used += length;
  };
}

function issuerSource(issuer: NonceCodecOptions['issuer']): () => Buffer {
  if (typeof issuer === 'function') return issuer;
  const fixed = Buffer.from(issuer ?? randomBytes(NONCE_ISSUER_BYTES));
  return () => fixed;
}
