import { randomBytes } from 'node:crypto';
import { NONCE_ISSUER_BYTES } from './nonce.js';
import type { ReplayVerdict } from './replay-window.js';

// Which replay window tracks a nonce is written in the nonce itself: its issuer (nonce.ts).
// One process keeps its own window in memory; the workers of one host each keep theirs and
// ask the issuing sibling for a nonce of its issuing (src/cluster); several hosts keep one
// window in a shared store (src/shared). The authenticator asks these routes where to go.

/**
 * A window held elsewhere. Besides a verdict it may say the issuer is unknown there (the
 * sibling died, the store lost its state: answered stale, as for any foreign nonce) or
 * that it cannot be reached (answered 503: never accept a (nonce, nc) unchecked).
 */
export type RemoteVerdict = ReplayVerdict | 'foreign' | 'unavailable';

export interface RemoteReplay {
  accept(nonce: string, issuedAt: number, nc: number, keyId: string): Promise<RemoteVerdict>;
}

export interface ReplayRoutes {
  /** The issuer written into nonces issued now; it may change (a shared store's epoch). */
  issuer(): Buffer;
  /**
   * Who tracks the nonces of `issuer` (hex): this authenticator's own window, a window
   * elsewhere, or nobody any more (the nonce is answered stale).
   */
  route(issuer: string): 'local' | RemoteReplay | undefined;
}

/** One process on its own: its nonces are tracked here, every other issuer's by nobody. */
export function localRoutes(issuer: Buffer = randomBytes(NONCE_ISSUER_BYTES)): ReplayRoutes {
  const own = issuer.toString('hex');
  return {
    issuer: () => issuer,
    route: (of) => (of === own ? 'local' : undefined),
  };
}
