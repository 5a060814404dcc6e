import type { Revision } from './records.js';

/**
 * Which steps of the store's credentials revision a cache may skip. Every committed write to
 * users, memberships, roles or keys takes the next revision, its own (the row lock serialises
 * the bumps). A poll that finds the revision moved may keep the cache only when every step
 * since the previous poll is a write of this process whose change the cache already applied:
 * any other step is someone else's write, or ours still on its way back (its commit reply
 * delayed), and either means the cache cannot be trusted. Trusting by a count of steps
 * instead lets one of ours stand in for someone else's.
 */
export class LocalRevisions {
  /** The revision the latest poll read; undefined before the first. */
  private seen: number | undefined;
  /** Ours and applied, above `seen`: only the writes since the latest poll. */
  private readonly known = new Set<number>();

  /** The cache now reflects the change of this process's write that produced `revision`. */
  applied(revision: Revision): void {
    // A step a poll already passed was not ours to it: that poll cleared the cache.
    if (this.seen === undefined || revision > this.seen) this.known.add(revision);
  }

  /**
   * A poll read `current`. True when the cache may stay: every step from the last poll's
   * revision to `current` is ours and applied. False before the first poll (nothing was
   * checked yet) and when the revision went back (the database was replaced).
   */
  advance(current: number): boolean {
    const seen = this.seen;
    let kept = seen !== undefined && current >= seen;
    // Stops at the first unknown step, so this costs at most the size of `known`.
    for (let step = (seen ?? 0) + 1; kept && step <= current; step++) {
      kept = this.known.has(step);
    }
    this.seen = current;
    for (const revision of this.known) if (revision <= current) this.known.delete(revision);
    return kept;
  }

  /** Revisions held, for tests of the bound. */
  get size(): number {
    return this.known.size;
  }
}
