import type { Attempt, Throttle } from '../domain/throttle.js';
import type { AttemptReply, FailedReply } from './protocol.js';
import type { WorkerLink } from './worker-link.js';

/**
 * A worker's view of the primary's FailureThrottle. Locks are read from the local mirror,
 * synchronously; a failure is answered only once the primary has counted it and every
 * worker has acknowledged the resulting mark, so no response that reveals anything leaves
 * before all workers know the lock. A success costs IPC only for a key that has failures.
 */
export class SharedThrottle implements Throttle {
  constructor(
    private readonly link: WorkerLink,
    private readonly now: () => number = Date.now,
  ) {}

  retryAfter(key: string): number {
    const until = this.link.lockedUntil(key) ?? 0;
    const wait = until - this.now();
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  failed(keys: readonly string[]): Promise<number> {
    return this.link.request<FailedReply>({ t: 'failed', keys });
  }

  succeed(key: string): void {
    if (this.link.lockedUntil(key) === undefined) return;
    this.link.forget(key);
    this.link.send({ t: 'clear', key });
  }

  async attempt(keys: readonly string[]): Promise<Attempt> {
    const reply = await this.link.request<AttemptReply>({ t: 'attempt', keys });
    if (reply.kind === 'refused') return reply;
    const settle = (how: 'succeed' | 'withdraw') =>
      this.link.send({ t: 'settle', ticket: reply.ticket, how });
    return {
      kind: 'admitted',
      ticket: { succeed: () => settle('succeed'), withdraw: () => settle('withdraw') },
    };
  }
}
