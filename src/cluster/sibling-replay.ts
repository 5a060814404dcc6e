import type { RemoteReplay, ReplayRoutes } from '../digest/index.js';
import { SiblingChannel } from './sibling-channel.js';
import type { WorkerLink } from './worker-link.js';

/**
 * One host's replay domain as a worker sees it: its own nonces are tracked in its own window,
 * at no cost; a live sibling's are checked by that sibling over a Unix socket (one round trip,
 * only for a client whose connection moved); any other issuer's (a dead worker, an earlier
 * run) by nobody, so they are answered stale without asking.
 */
export function siblingRoutes(link: WorkerLink): ReplayRoutes {
  const own = link.issuer.toString('hex');
  const remotes = new Map<
    string,
    { path: string; channel: SiblingChannel; replay: RemoteReplay }
  >();
  let known = link.siblings();

  const remote = (issuer: string, path: string): RemoteReplay => {
    const held = remotes.get(issuer);
    if (held?.path === path) return held.replay;
    const channel = new SiblingChannel(path);
    const replay: RemoteReplay = {
      accept: (nonce, issuedAt, nc, keyId) => channel.ask({ nonce, issuedAt, nc, keyId }),
    };
    remotes.set(issuer, { path, channel, replay });
    return replay;
  };
  // A sibling that left: its socket closed with it; forget the channel too.
  const prune = (siblings: ReadonlyMap<string, string>) => {
    for (const [issuer, held] of remotes) {
      if (siblings.get(issuer) === held.path) continue;
      held.channel.close();
      remotes.delete(issuer);
    }
  };

  return {
    issuer: () => link.issuer,
    route: (issuer) => {
      if (issuer === own) return 'local';
      const siblings = link.siblings();
      if (siblings !== known) {
        known = siblings;
        prune(siblings);
      }
      const path = siblings.get(issuer);
      return path === undefined ? undefined : remote(issuer, path);
    },
  };
}
