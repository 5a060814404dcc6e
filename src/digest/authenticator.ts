// The Digest authenticator: challenge, parse, verify. Synchronous and framework-free; the
// HTTP layer looks up the user's keys (it may await a store) between parse and verify.
//
// Verification order matters: cheap checks that need no secret come first; the nonce's
// expiry is judged only after the response verifies, because `stale=true` tells the
// client "your key is right, retry with a fresh nonce" and must never be said to someone
// who does not hold the key (RFC 7616 §3.3 stale). The same holds for a nonce this
// authenticator did not issue (see nonce.ts): authentic, but never accepted here.

import type { KeyCredential } from '../domain/records.js';
import { type Algorithm, hashOf, parseAlgorithm } from './algorithms.js';
import { authenticationInfo, challengeHeaders } from './challenge.js';
import { createNonceCodec } from './nonce.js';
import {
  type DigestCredentials,
  type ParsedAuthorization,
  parseAuthorization,
} from './parse-authorization.js';
import { localRoutes, type RemoteVerdict, type ReplayRoutes } from './replay-routes.js';
import { ReplayWindow, type ReplayWindowOptions } from './replay-window.js';
import { dummyHa1s, matchKey } from './verify.js';

export type RejectReason =
  | 'wrong-realm'
  | 'algorithm-not-enabled'
  | 'forged-nonce'
  | 'unknown-user'
  | 'wrong-response'
  | 'expired-nonce'
  | 'foreign-nonce'
  | 'evicted-nonce'
  | 'nc-below-window'
  | 'replay';

export type VerifyOutcome = SettledOutcome | PendingOutcome;

/** The nonce's replay window is held elsewhere (replay-routes.ts): its verdict comes later. */
export interface PendingOutcome {
  readonly kind: 'pending';
  readonly outcome: Promise<SettledOutcome>;
}

export type SettledOutcome =
  | { readonly kind: 'authenticated'; readonly keyId: string; readonly authenticationInfo: string }
  | { readonly kind: 'malformed'; readonly detail: string }
  | { readonly kind: 'rejected'; readonly stale: boolean; readonly reason: RejectReason }
  /** That window cannot be reached now: nothing may be accepted unchecked (503). */
  | { readonly kind: 'unavailable' };

export interface DigestRequest {
  readonly method: string;
  /** The raw request target as received (Node's `req.url`), not a normalized path. */
  readonly uri: string;
}

export interface DigestAuthenticatorOptions {
  readonly realm: string;
  /** Challenge order; also the set of algorithms accepted. */
  readonly algorithms: readonly Algorithm[];
  /** The first signs nonces; all verify (rotation). Each at least 16 bytes. */
  readonly nonceSecrets: readonly Buffer[];
  readonly nonceLifetimeMs?: number;
  /**
   * The issuer written into nonces and where each issuer's nonces are tracked. Default:
   * `localRoutes()`, a random issuer per authenticator (per process start, because its
   * replay window starts empty) tracked here, and every other issuer's nonce answered stale.
   */
  readonly replayRoutes?: ReplayRoutes;
  readonly replayWindow?: ReplayWindowOptions;
  readonly now?: () => number;
}

export interface DigestAuthenticator {
  readonly realm: string;
  readonly algorithms: readonly Algorithm[];
  /** WWW-Authenticate values: a fresh nonce, one line per enabled algorithm. */
  challenge(stale: boolean): string[];
  /** How many nonces the replay window tracks now (bounded by its maxNonces). */
  trackedNonces(): number;
  /**
   * Records (nonce, nc) in this authenticator's own window for a sibling that verified a
   * request carrying one of its nonces (the nonce's MAC and the response checked there).
   */
  acceptForPeer(nonce: string, issuedAt: number, nc: number, keyId: string): RemoteVerdict;
  parse(authorization: string | readonly string[] | undefined): ParsedAuthorization;
  /** `keys` are the user's enabled keys; undefined when there is no such user. */
  verify(
    credentials: DigestCredentials,
    request: DigestRequest,
    keys: readonly KeyCredential[] | undefined,
  ): VerifyOutcome;
}

function rejected(reason: RejectReason, stale = false): SettledOutcome {
  return { kind: 'rejected', stale, reason };
}

const VERDICTS: Record<Exclude<RemoteVerdict, 'accepted'>, SettledOutcome> = {
  replay: rejected('replay'),
  evicted: rejected('evicted-nonce', true),
  'below-window': rejected('nc-below-window', true),
  foreign: rejected('foreign-nonce', true),
  unavailable: { kind: 'unavailable' },
};

const URI_MISMATCH: VerifyOutcome = {
  kind: 'malformed',
  detail: 'uri does not match the request target',
};

export function createDigestAuthenticator(
  options: DigestAuthenticatorOptions,
): DigestAuthenticator {
  const { realm } = options;
  const algorithms = [...options.algorithms];
  if (algorithms.length === 0) throw new Error('createDigestAuthenticator: no algorithms');
  if (new Set(algorithms).size !== algorithms.length) {
    throw new Error('createDigestAuthenticator: duplicate algorithm');
  }
  const enabled: ReadonlySet<Algorithm> = new Set(algorithms);
  const lifetimeMs = options.nonceLifetimeMs ?? 300_000;
  const now = options.now ?? Date.now;
  const routes = options.replayRoutes ?? localRoutes();
  const nonces = createNonceCodec({
    secrets: options.nonceSecrets,
    lifetimeMs,
    now,
    issuer: () => routes.issuer(),
  });
  const window = new ReplayWindow(options.replayWindow);
  const dummy = dummyHa1s();
  // The own issuer in hex, recomputed only when routes.issuer() hands out another buffer.
  let ownBytes: Buffer | undefined;
  let ownHex = '';
  const ownIssuer = () => {
    const bytes = routes.issuer();
    if (bytes !== ownBytes) [ownBytes, ownHex] = [bytes, bytes.toString('hex')];
    return ownHex;
  };
  const acceptHere = (nonce: string, issuedAt: number, nc: number, keyId: string) => {
    window.purgeIssuedBefore(now() - lifetimeMs);
    return window.accept(nonce, issuedAt, nc, keyId);
  };

  return {
    realm,
    algorithms,
    challenge: (stale) => challengeHeaders(realm, nonces.issue(), algorithms, stale),
    trackedNonces: () => window.size,
    acceptForPeer: acceptHere,
    parse: parseAuthorization,

    verify(credentials, request, keys) {
      if (credentials.uri !== request.uri) return URI_MISMATCH;
      if (credentials.realm !== realm) return rejected('wrong-realm');
      const alg =
        credentials.algorithm === undefined ? 'MD5' : parseAlgorithm(credentials.algorithm);
      if (alg === undefined || !enabled.has(alg)) return rejected('algorithm-not-enabled');

      const at = now();
      // A nonce the window already tracks was authenticated when first accepted: skip its MAC.
      const tracked = window.tracked(credentials.nonce);
      const nonce = tracked ? nonces.age(tracked.issuedAt, at) : nonces.open(credentials.nonce, at);
      if (nonce.kind === 'forged') return rejected('forged-nonce');

      const match = matchKey(
        alg,
        credentials,
        request.method,
        keys ?? [],
        tracked?.keyId,
        dummy[hashOf(alg)],
        at,
      );
      if (match === undefined)
        return rejected(keys === undefined ? 'unknown-user' : 'wrong-response');
      if (nonce.kind === 'expired') return rejected('expired-nonce', true);
      // A nonce is tracked by the window its issuer names; a window that is gone (a restart,
      // a dead sibling) never saw its nc values: tracking it anew would accept each once more.
      const route = routes.route(nonce.kind === 'valid' ? ownIssuer() : (nonce.issuer ?? ''));
      if (route === undefined) return rejected('foreign-nonce', true);
      const keyId = match.key.keyId;
      const settle = (verdict: RemoteVerdict): SettledOutcome =>
        verdict === 'accepted'
          ? {
              kind: 'authenticated',
              keyId,
              authenticationInfo: authenticationInfo(alg, match.ha1, credentials),
            }
          : VERDICTS[verdict];
      const { nonce: text, ncValue } = credentials;
      if (route === 'local') return settle(acceptHere(text, nonce.issuedAt, ncValue, keyId));
      return {
        kind: 'pending',
        outcome: route.accept(text, nonce.issuedAt, ncValue, keyId).then(settle),
      };
    },
  };
}
