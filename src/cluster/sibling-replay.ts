import type { RemoteReplay, RemoteVerdict, ReplayRoutes } from '../digest/index.js';
import type { WorkerLink } from './worker-link.js';

/**
 * One host's replay domain as a worker sees it: its own nonces are tracked in its own window,
 * at no cost; a live sibling's are checked by that sibling over IPC (one round trip through
 * the primary, only for a client whose connection moved); any other issuer's (a dead worker,
 * an earlier run) by nobody, so they are answered stale without asking.
 */
export function siblingRoutes(link: WorkerLink): ReplayRoutes {
  const own = link.issuer.toString('hex');
  const ask = (issuer: string): RemoteReplay => ({
    accept: (nonce, issuedAt, nc, keyId) =>
      link
        .request<RemoteVerdict>({ t: 'replay', issuer, nonce, issuedAt, nc, keyId })
        // The primary is gone: this worker is about to stop, and nothing is accepted unchecked.
        .catch(() => 'unavailable' as const),
  });
  return {
    issuer: () => link.issuer,
    route: (issuer) => {
      if (issuer === own) return 'local';
      return link.isLiveIssuer(issuer) ? ask(issuer) : undefined;
    },
  };
}
