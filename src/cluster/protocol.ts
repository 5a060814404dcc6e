import type { Mark } from '../domain/throttle.js';

/** A (nonce, nc) for the worker whose issuer the nonce names (src/cluster/sibling-channel.ts). */
export interface ReplayCheck {
  readonly nonce: string;
  readonly issuedAt: number;
  readonly nc: number;
  readonly keyId: string;
}

/**
 * The messages between the primary and its workers (node:cluster IPC). Requests carry an
 * `id` the answer repeats; everything else is fire-and-forget.
 */
export type Request =
  | { readonly t: 'failed'; readonly keys: readonly string[] }
  | { readonly t: 'attempt'; readonly keys: readonly string[] }
  | { readonly t: 'setup-check'; readonly token: string }
  | { readonly t: 'setup-claim'; readonly token: string };

/** A live worker's nonce issuer (hex) and the socket it answers replay checks on. */
export interface Sibling {
  readonly issuer: string;
  readonly path: string;
}

export type ToPrimary =
  | (Request & { readonly id: number })
  | ({ readonly t: 'hello' } & Sibling)
  | { readonly t: 'listening'; readonly address: string }
  | { readonly t: 'clear'; readonly key: string }
  | { readonly t: 'settle'; readonly ticket: number; readonly how: 'succeed' | 'withdraw' }
  | { readonly t: 'setup-settle'; readonly claim: number; readonly how: 'release' | 'spend' }
  | { readonly t: 'setup-retire' }
  | { readonly t: 'ack'; readonly id: number };

export type ToWorker =
  | {
      readonly t: 'welcome';
      readonly setupToken: string | undefined;
      readonly marks: Mark[];
      readonly siblings: Sibling[];
    }
  /** The live workers, after one starts or dies. */
  | { readonly t: 'siblings'; readonly siblings: Sibling[] }
  /** Must be acknowledged: the failing worker's answer waits for every worker's `ack`. */
  | { readonly t: 'marks'; readonly id: number; readonly marks: readonly Mark[] }
  | { readonly t: 'clear'; readonly id: string }
  | { readonly t: 'reply'; readonly id: number; readonly value: unknown };

/** The answer to a `failed`: 0 (answer 401) or the seconds to wait (429). */
export type FailedReply = number;
export type AttemptReply =
  | { readonly kind: 'refused'; readonly retryAfter: number }
  | { readonly kind: 'admitted'; readonly ticket: number };
export type SetupCheckReply = 'wrong' | 'spent' | undefined;
export type SetupClaimReply =
  | { readonly ok: false; readonly error: 'wrong' | 'spent' | 'busy' }
  | { readonly ok: true; readonly claim: number };

export function isMessage<T extends { t: string }>(value: unknown): value is T {
  return typeof value === 'object' && value !== null && typeof (value as T).t === 'string';
}
