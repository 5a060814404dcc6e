import type { ObjectId } from '../domain/records.js';

/** A key just generated, waiting for the one page view that shows it. */
export interface Reveal {
  readonly userId: ObjectId;
  readonly keyId: ObjectId;
  readonly key: string;
}

const TTL_MS = 60_000;

/**
 * Generating a key is a POST; showing it in that POST's response would make a reload
 * re-submit the form and mint another key. Instead the POST leaves the key here, in memory
 * only, for its session; the redirected GET takes it out, so it is shown exactly once. A
 * reveal nobody collects is gone after a minute. Never written to the database or a log.
 */
export class KeyReveals {
  private readonly pending = new Map<string, Reveal & { readonly until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  put(sessionIdHash: string, reveal: Reveal): void {
    this.sweep();
    this.pending.set(sessionIdHash, { ...reveal, until: this.now() + TTL_MS });
  }

  /** The session's pending key for this user's page, removed as it is read. */
  take(sessionIdHash: string, userId: ObjectId): Reveal | undefined {
    const reveal = this.pending.get(sessionIdHash);
    if (!reveal || reveal.userId !== userId) return undefined;
    this.pending.delete(sessionIdHash);
    return reveal.until > this.now() ? reveal : undefined;
  }

  private sweep(): void {
    const now = this.now();
    for (const [session, reveal] of this.pending) {
      if (reveal.until <= now) this.pending.delete(session);
    }
  }
}
