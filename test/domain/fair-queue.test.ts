import { describe, expect, it } from 'vitest';
import { FairQueue, type Turn } from '../../src/domain/fair-queue.js';

/** Work that runs until the test finishes it, recording the order in which pieces started. */
function harness(options = { concurrency: 2, maxWaiting: 4 }) {
  const queue = new FairQueue(options);
  const started: string[] = [];
  const finishers: (() => void)[] = [];
  let running = 0;
  let mostRunning = 0;
  const run = (client: string, label = client): Promise<Turn<string>> =>
    queue.run(client, () => {
      started.push(label);
      mostRunning = Math.max(mostRunning, ++running);
      return new Promise<string>((resolve) =>
        finishers.push(() => {
          running--;
          resolve(label);
        }),
      );
    });
  /** Finishes the oldest running piece and lets the next ones start. */
  const finishOne = async () => {
    finishers.shift()?.();
    await settled();
  };
  return { queue, run, started, finishOne, mostRunning: () => mostRunning };
}

/** Lets every started piece of work reach its first await. */
function settled() {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('FairQueue', () => {
  it('runs at most `concurrency` pieces at once and hands back their results', async () => {
    const h = harness({ concurrency: 2, maxWaiting: 10 });
    const turns = ['a', 'b', 'c', 'd', 'e'].map((label) => h.run('one client', label));
    await settled();
    expect(h.started).toEqual(['a', 'b']);
    for (let i = 0; i < 5; i++) await h.finishOne();
    expect(await Promise.all(turns)).toEqual(
      ['a', 'b', 'c', 'd', 'e'].map((value) => ({ kind: 'done', value })),
    );
    expect(h.mostRunning()).toBe(2);
  });

  it('lets waiting clients take turns, so many requests from one delay another by one turn', async () => {
    const h = harness({ concurrency: 1, maxWaiting: 10 });
    for (let i = 1; i <= 4; i++) void h.run('flood', `flood ${i}`);
    void h.run('admin');
    await settled();
    for (let i = 0; i < 3; i++) await h.finishOne();
    expect(h.started).toEqual(['flood 1', 'flood 2', 'admin', 'flood 3']);
  });

  it('when the wait is full, a newcomer takes the newest place of the client with the most', async () => {
    const h = harness({ concurrency: 1, maxWaiting: 3 });
    const flood = ['1', '2', '3', '4'].map((n) => h.run('flood', `flood ${n}`));
    const admin = h.run('admin');
    await settled();
    expect(await flood[3]).toEqual({ kind: 'busy' }); // its place went to admin
    // Once every waiting client has no more than the newcomer would, the newcomer is refused.
    expect(await h.run('flood')).toEqual({ kind: 'busy' });
    const other = h.run('other'); // the flood still has the most waiting: it gives up one
    expect(await flood[2]).toEqual({ kind: 'busy' });
    // Now every client waits once: of equals, the one furthest back gives up its place.
    const late = h.run('late');
    expect(await other).toEqual({ kind: 'busy' });
    for (let i = 0; i < 4; i++) await h.finishOne();
    expect(await admin).toEqual({ kind: 'done', value: 'admin' });
    expect(await late).toEqual({ kind: 'done', value: 'late' });
    expect(h.started).toEqual(['flood 1', 'flood 2', 'admin', 'late']);
  });

  it('frees the place of work that fails', async () => {
    const queue = new FairQueue({ concurrency: 1, maxWaiting: 1 });
    await expect(queue.run('a', () => Promise.reject(new Error('broken')))).rejects.toThrow(
      'broken',
    );
    expect(await queue.run('a', async () => 'next')).toEqual({ kind: 'done', value: 'next' });
    expect(queue.waitingNow).toBe(0);
  });
});
