import { type SetupClaim, SetupToken } from '../console/setup-token.js';
import { type AttemptTicket, type FailureThrottle, idOf, type Mark } from '../domain/throttle.js';
import type { Request, Sibling, ToPrimary, ToWorker } from './protocol.js';

/** A live worker as the arbiter sees it. */
export interface Peer {
  readonly id: number;
  send(message: ToWorker): void;
}

interface Held<T> {
  readonly worker: number;
  readonly value: T;
}

/**
 * The primary's side of the shared state: the one FailureThrottle, the one setup token and
 * the directory of the workers' replay windows (each worker checks a sibling's nonce with
 * that sibling directly: src/cluster/sibling-channel.ts). A counted failure is answered only
 * after every live worker has acknowledged its marks.
 */
export class Arbiter {
  private readonly tickets = new Map<number, Held<AttemptTicket>>();
  private readonly claims = new Map<number, Held<SetupClaim>>();
  private readonly awaiting = new Map<number, { waiting: Set<number>; done: () => void }>();
  private readonly setup: SetupToken | undefined;
  private readonly siblings = new Map<number, Sibling>();
  private nextId = 1;

  constructor(
    private readonly throttle: FailureThrottle,
    private readonly setupToken: string | undefined,
    private readonly peers: () => Iterable<Peer>,
  ) {
    this.setup = setupToken ? new SetupToken(setupToken) : undefined;
  }

  handle(from: Peer, message: ToPrimary): void {
    if ('id' in message && message.t !== 'ack') {
      const { id } = message;
      const value = this.answer(from, message);
      if (value instanceof Promise)
        value.then((settled) => from.send({ t: 'reply', id, value: settled }));
      else from.send({ t: 'reply', id, value });
      return;
    }
    switch (message.t) {
      case 'hello':
        this.siblings.set(from.id, { issuer: message.issuer, path: message.path });
        from.send({
          t: 'welcome',
          setupToken: this.setupToken,
          marks: this.throttle.locks(),
          siblings: [...this.siblings.values()],
        });
        this.announceSiblings(from.id);
        break;
      case 'clear':
        this.throttle.succeed(message.key);
        for (const peer of this.peers())
          if (peer.id !== from.id) peer.send({ t: 'clear', id: idOf(message.key) });
        break;
      case 'settle':
        this.tickets.get(message.ticket)?.value[message.how]();
        this.tickets.delete(message.ticket);
        break;
      case 'setup-settle':
        this.claims.get(message.claim)?.value[message.how]();
        this.claims.delete(message.claim);
        break;
      case 'setup-retire':
        this.setup?.retire();
        break;
      case 'ack':
        this.acknowledge(from.id, message.id);
        break;
    }
  }

  /** The reply to a request; a counted failure's only after every worker has its marks. */
  private answer(from: Peer, request: Request): unknown {
    switch (request.t) {
      case 'failed': {
        const outcome = this.throttle.record(request.keys);
        return 'kind' in outcome ? outcome.retryAfter : this.broadcast(outcome.marks).then(() => 0);
      }
      case 'attempt': {
        const attempt = this.throttle.attempt(request.keys);
        if (attempt.kind === 'refused') return attempt;
        const ticket = this.nextId++;
        this.tickets.set(ticket, { worker: from.id, value: attempt.ticket });
        return { kind: 'admitted', ticket };
      }
      case 'setup-check':
        return this.setup ? this.setup.check(request.token) : 'wrong';
      case 'setup-claim': {
        const claim = this.setup?.claim(request.token) ?? { ok: false, error: 'wrong' };
        if (!claim.ok) return claim;
        const id = this.nextId++;
        this.claims.set(id, { worker: from.id, value: claim.value });
        return { ok: true, claim: id };
      }
    }
  }

  /**
   * A worker is gone: it acknowledges nothing more; its sign-in attempts stay counted, and a
   * setup claim it held is spent, since it may have created the administrator before dying.
   */
  forget(worker: number): void {
    this.siblings.delete(worker);
    this.announceSiblings(worker);
    for (const id of this.awaiting.keys()) this.acknowledge(worker, id);
    for (const [id, ticket] of this.tickets) if (ticket.worker === worker) this.tickets.delete(id);
    for (const [id, claim] of this.claims) {
      if (claim.worker !== worker) continue;
      claim.value.spend();
      this.claims.delete(id);
    }
  }

  private announceSiblings(except: number): void {
    const siblings = [...this.siblings.values()];
    for (const peer of this.peers()) if (peer.id !== except) peer.send({ t: 'siblings', siblings });
  }

  private broadcast(marks: readonly Mark[]): Promise<void> {
    const id = this.nextId++;
    const peers = [...this.peers()];
    return new Promise((resolve) => {
      this.awaiting.set(id, { waiting: new Set(peers.map((peer) => peer.id)), done: resolve });
      for (const peer of peers) peer.send({ t: 'marks', id, marks });
      this.acknowledge(undefined, id);
    });
  }

  private acknowledge(worker: number | undefined, id: number): void {
    const entry = this.awaiting.get(id);
    if (!entry) return;
    if (worker !== undefined) entry.waiting.delete(worker);
    if (entry.waiting.size > 0) return;
    this.awaiting.delete(id);
    entry.done();
  }
}
