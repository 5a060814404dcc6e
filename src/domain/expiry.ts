// Key expiry, in one place for every kind of key: the duration syntax operators type
// (`36h`, `90d`), the server-wide cap, and the hot path's liveness test.

import type { KeyCredential, Outcome, Timestamp } from './records.js';
import { toTimestamp } from './time.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Ten years: anything longer is a typo, and Dates stay far from their limits. */
export const MAX_DURATION_MS = 3650 * UNIT_MS.d!;

/** `90d`, `36h`, `15m`, `30s` → milliseconds; one number and one unit, nothing else. */
export function parseDuration(text: string): Outcome<number, 'invalid-duration'> {
  const match = /^([1-9]\d{0,6})([smhd])$/.exec(text.trim());
  if (!match) return { ok: false, error: 'invalid-duration' };
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  if (ms > MAX_DURATION_MS) return { ok: false, error: 'invalid-duration' };
  return { ok: true, value: ms };
}

export const DURATION_HELP =
  'a whole number and a unit s, m, h or d (e.g. 36h, 90d), at most 3650d';

/**
 * When a new key expires: what was asked for, capped by the server-wide maximum lifetime
 * (a request for longer is shortened, not refused, so clients that know nothing of expiry
 * keep working); undefined when neither asks for one.
 */
export function expiryOf(
  requestedMs: number | undefined,
  maxLifetimeMs: number | undefined,
  nowMs: number = Date.now(),
): Timestamp | undefined {
  const lifetimes = [requestedMs, maxLifetimeMs].filter((ms) => ms !== undefined);
  if (lifetimes.length === 0) return undefined;
  return toTimestamp(new Date(nowMs + Math.min(...lifetimes)));
}

/** An API body's `expiresInSeconds` as the issue request's field (absent stays absent). */
export function requestedLifetime(seconds: number | undefined): { expiresInMs?: number } {
  return seconds === undefined ? {} : { expiresInMs: seconds * 1000 };
}

/** The earlier of two expiries; no expiry is later than any. */
export function sooner(a: Timestamp, b: Timestamp | undefined): Timestamp {
  return b === undefined || a < b ? a : b;
}

/** A stored expiry as the number the hot path compares with. */
export function expiryMs(expiresAt: Timestamp | undefined): number | undefined {
  return expiresAt === undefined ? undefined : Date.parse(expiresAt);
}

/** Whether a key may authenticate at `nowMs`: the whole check, one comparison. */
export function isLive(key: KeyCredential, nowMs: number): boolean {
  return key.expiresAtMs === undefined || nowMs < key.expiresAtMs;
}

/** Within `withinMs` of its expiry (and not past it): the console warns of these. */
export function expiresSoon(expiresAt: Timestamp | undefined, withinMs: number, nowMs: number) {
  const at = expiryMs(expiresAt);
  return at !== undefined && at > nowMs && at - nowMs <= withinMs;
}
