import type { Timestamp, UserRecord } from '../domain/records.js';
import { toTimestamp } from '../domain/time.js';
import type { ConsoleLink, ConsoleLinkPurpose, Store } from '../store/store.js';
import { randomToken, sha256Hex } from './tokens.js';

export const DEFAULT_LINK_HOURS = 72;
/** A link older than a month is a link someone forgot about; ask for a new one. */
export const MAX_LINK_HOURS = 24 * 30;
const HOUR_MS = 3_600_000;

/** The page both kinds of link open; the token travels as `token=`, which logs redact. */
export const LINK_PATH = '/console/welcome';

/**
 * A link waits for its one showing in the key reveals' sealed store, under this in place of
 * a key id, so it is never written in plaintext either.
 */
export const LINK_REVEAL_ID = 'console-link';

export interface IssuedLink {
  /** The whole link, token included: shown once to whoever issued it, stored nowhere. */
  readonly url: string;
  readonly purpose: ConsoleLinkPurpose;
  readonly expiresAt: Timestamp;
}

/**
 * Issues a one-time link for the user to set their console password (an invitation, or a
 * reset), revoking any earlier one. The store keeps only the token's SHA-256. Undefined if
 * the user no longer exists.
 */
export async function issueConsoleLink(
  store: Store,
  request: {
    readonly user: UserRecord;
    readonly purpose: ConsoleLinkPurpose;
    /** Where the console is reached, e.g. `https://keys.example.com`. */
    readonly base: string;
    readonly hours?: number;
    readonly now?: number;
  },
): Promise<IssuedLink | undefined> {
  const token = randomToken();
  const now = request.now ?? Date.now();
  const hours = request.hours ?? DEFAULT_LINK_HOURS;
  const link: ConsoleLink = {
    tokenHash: sha256Hex(token),
    userId: request.user.id,
    purpose: request.purpose,
    createdAt: toTimestamp(new Date(now)),
    expiresAt: toTimestamp(new Date(now + hours * HOUR_MS)),
  };
  if (!(await store.createConsoleLink(link, link.createdAt))) return undefined;
  return {
    url: `${request.base}${LINK_PATH}?token=${token}`,
    purpose: link.purpose,
    expiresAt: link.expiresAt,
  };
}

/** The live link a token names, if any. */
export function findConsoleLink(
  store: Store,
  token: string,
  now = Date.now(),
): Promise<ConsoleLink | undefined> {
  if (!/^[\w-]{43}$/.test(token)) return Promise.resolve(undefined);
  return store.findConsoleLink(sha256Hex(token), toTimestamp(new Date(now)));
}

/** Spends the link and sets the password in one step; undefined if it was not live. */
export function redeemConsoleLink(
  store: Store,
  token: string,
  passwordHash: string,
  now = Date.now(),
): Promise<ConsoleLink | undefined> {
  if (!/^[\w-]{43}$/.test(token)) return Promise.resolve(undefined);
  return store.redeemConsoleLink(sha256Hex(token), passwordHash, toTimestamp(new Date(now)));
}
