import { describe, expect, it } from 'vitest';
import { LocalRevisions } from '../../src/domain/local-revisions.js';
import type { Revision } from '../../src/domain/records.js';

const ours = (revision: number) => revision as Revision;

/** Revisions polled up to `seen`, then told that writes of ours produced `applied`. */
function polledAt(seen: number, ...applied: number[]): LocalRevisions {
  const revisions = new LocalRevisions();
  revisions.advance(seen);
  for (const revision of applied) revisions.applied(ours(revision));
  return revisions;
}

describe('LocalRevisions', () => {
  it('trusts nothing at the first poll', () => {
    const revisions = new LocalRevisions();
    revisions.applied(ours(1));
    expect(revisions.advance(1)).toBe(false);
  });

  it('keeps when every step is ours and applied, in whatever order they were applied', () => {
    expect(polledAt(10).advance(10)).toBe(true);
    expect(polledAt(10, 13, 11, 12).advance(13)).toBe(true);
  });

  it('refuses when a step between ours belongs to someone else', () => {
    const revisions = polledAt(10, 11, 13);
    expect(revisions.advance(13)).toBe(false);
    // Settled: the next poll starts from 13.
    revisions.applied(ours(14));
    expect(revisions.advance(14)).toBe(true);
  });

  it('does not count a write of ours it has not been told about yet', () => {
    const revisions = polledAt(10);
    // 11 is ours, committed, its reply still on the way: the poll must not assume it.
    expect(revisions.advance(11)).toBe(false);
    revisions.applied(ours(11)); // the reply arrives after the poll passed it
    expect(revisions.size).toBe(0);
    // 12 is the CLI's: nothing may stand in for it.
    expect(revisions.advance(12)).toBe(false);
  });

  it('keeps ours from beyond the revision a poll read for the next poll', () => {
    const revisions = polledAt(10, 11, 12);
    expect(revisions.advance(11)).toBe(true);
    expect(revisions.size).toBe(1);
    expect(revisions.advance(12)).toBe(true);
    expect(revisions.size).toBe(0);
  });

  it('refuses when the revision went back (a restored database)', () => {
    const revisions = polledAt(10);
    expect(revisions.advance(7)).toBe(false);
    expect(revisions.advance(7)).toBe(true);
  });

  it('answers a huge jump at once and holds only revisions above the last poll', () => {
    const revisions = polledAt(10, ...Array.from({ length: 990 }, (_, i) => 11 + i));
    const started = performance.now();
    expect(revisions.advance(2 ** 50)).toBe(false);
    expect(performance.now() - started).toBeLessThan(50);
    expect(revisions.size).toBe(0);
  });
});
