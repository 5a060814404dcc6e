import type { RejectReason, SettledOutcome } from '../digest/index.js';

/**
 * The `reason` label of keyward_auth_outcomes_total: one per authentication attempt, the
 * way it ended. A closed list, so a dashboard can name every value.
 */
export const AUTH_REASONS = [
  'ok',
  /** No credentials: the client was challenged (every Digest client's first request). */
  'no_credentials',
  'malformed',
  'wrong_response',
  'unknown_user',
  'replay',
  /** The key was right but the nonce expired or is not this process's: retry with a fresh one. */
  'stale',
  'forged_nonce',
  /** A realm or algorithm this server does not offer. */
  'wrong_parameters',
  'throttled',
  /** Refused by the access-list gate (issue 13 item 2). */
  'access_list',
  /** The database, the replay store or the throttle was out of reach (503). */
  'unavailable',
] as const;

export type AuthReason = (typeof AUTH_REASONS)[number];

const REJECTED: Record<RejectReason, AuthReason> = {
  'wrong-realm': 'wrong_parameters',
  'algorithm-not-enabled': 'wrong_parameters',
  'forged-nonce': 'forged_nonce',
  'unknown-user': 'unknown_user',
  'wrong-response': 'wrong_response',
  'expired-nonce': 'stale',
  'foreign-nonce': 'stale',
  'evicted-nonce': 'stale',
  'nc-below-window': 'stale',
  replay: 'replay',
};

/** The label of a verification that settled (a throttled one is counted as `throttled`). */
export function authReasonOf(outcome: SettledOutcome): AuthReason {
  switch (outcome.kind) {
    case 'authenticated':
      return 'ok';
    case 'malformed':
      return 'malformed';
    case 'unavailable':
      return 'unavailable';
    case 'rejected':
      return REJECTED[outcome.reason];
  }
}
