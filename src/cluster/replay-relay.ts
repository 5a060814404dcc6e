import type { RemoteVerdict } from '../digest/index.js';
import type { Peer } from './arbiter.js';
import type { ReplayCheck } from './protocol.js';

/**
 * The primary's part in one host's replay domain. Each worker tracks the nonces it issued in
 * its own window; a request carrying a sibling's nonce (a client that answered a challenge
 * on a new connection, which node:cluster handed to another worker) is checked by that
 * sibling, through here. A worker that is gone took its window with it: its nonces are
 * answered `foreign` (stale=true, the client retries with a fresh nonce), even one whose
 * check was in flight, since the dead window's verdict can no longer be known.
 */
export class ReplayRelay {
  private readonly issuerOf = new Map<number, string>();
  private readonly pending = new Map<
    number,
    { worker: number; done: (v: RemoteVerdict) => void }
  >();
  private nextRelay = 1;

  /** The live issuers, for every worker to route by without asking. */
  issuers(): string[] {
    return [...this.issuerOf.values()];
  }

  join(worker: number, issuer: string): void {
    this.issuerOf.set(worker, issuer);
  }

  leave(worker: number): void {
    this.issuerOf.delete(worker);
    for (const [relay, entry] of this.pending) {
      if (entry.worker !== worker) continue;
      this.pending.delete(relay);
      entry.done('foreign');
    }
  }

  ask(issuer: string, check: ReplayCheck, peers: Iterable<Peer>): Promise<RemoteVerdict> {
    const owner = [...peers].find((peer) => this.issuerOf.get(peer.id) === issuer);
    if (!owner) return Promise.resolve('foreign');
    const relay = this.nextRelay++;
    return new Promise((done) => {
      this.pending.set(relay, { worker: owner.id, done });
      owner.send({ t: 'replay-check', relay, ...check });
    });
  }

  answered(relay: number, verdict: RemoteVerdict): void {
    const entry = this.pending.get(relay);
    this.pending.delete(relay);
    entry?.done(verdict);
  }
}
