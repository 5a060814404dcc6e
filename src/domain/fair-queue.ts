/**
 * Runs expensive work (a password hash) at most `concurrency` at a time, so a burst cannot
 * take every thread of the pool, with a bounded wait. Waiting clients take turns, one piece
 * of work each, so a client with many requests waiting delays another by one turn, not by
 * all of them. When the wait is full, a newcomer that has fewer waiting than the client
 * with the most takes that client's newest place (of equals, the one furthest back in
 * line), which is answered busy; otherwise the newcomer is. So a flood from a few clients
 * cannot keep anyone else out; one from more clients than the wait holds can while it
 * lasts, but every request is answered within about `maxWaiting / concurrency` turns.
 */
export interface FairQueueOptions {
  readonly concurrency: number;
  readonly maxWaiting: number;
}

export type Turn<T> = { readonly kind: 'done'; readonly value: T } | { readonly kind: 'busy' };

type Waiter = (started: boolean) => void;

export class FairQueue {
  private running = 0;
  private waitingCount = 0;
  /** Per client, oldest first; the map's order is the order of turns. */
  private readonly waiting = new Map<string, Waiter[]>();

  constructor(private readonly options: FairQueueOptions) {}

  async run<T>(client: string, work: () => Promise<T>): Promise<Turn<T>> {
    if (!(await this.turn(client))) return { kind: 'busy' };
    try {
      return { kind: 'done', value: await work() };
    } finally {
      this.running--;
      this.next();
    }
  }

  get waitingNow(): number {
    return this.waitingCount;
  }

  private turn(client: string): boolean | Promise<boolean> {
    if (this.running < this.options.concurrency && this.waitingCount === 0) {
      this.running++;
      return true;
    }
    if (this.waitingCount >= this.options.maxWaiting && !this.makeRoomFor(client)) return false;
    return new Promise((resolve) => {
      const queue = this.waiting.get(client);
      if (queue) queue.push(resolve);
      else this.waiting.set(client, [resolve]);
      this.waitingCount++;
    });
  }

  private makeRoomFor(client: string): boolean {
    const own = this.waiting.get(client)?.length ?? 0;
    let heaviest: Waiter[] = [];
    let heaviestClient = '';
    // Of equals, the one furthest back in line: those nearer their turn keep their wait.
    for (const [other, queue] of this.waiting) {
      if (queue.length >= heaviest.length) [heaviest, heaviestClient] = [queue, other];
    }
    const displaced = heaviest.length > own ? heaviest.pop() : undefined;
    if (!displaced) return false;
    if (heaviest.length === 0) this.waiting.delete(heaviestClient);
    this.waitingCount--;
    displaced(false);
    return true;
  }

  private next(): void {
    while (this.running < this.options.concurrency) {
      const first = this.waiting.entries().next();
      if (first.done) return;
      const [client, queue] = first.value;
      const waiter = queue.shift();
      // To the back of the line, or out of it.
      this.waiting.delete(client);
      if (queue.length > 0) this.waiting.set(client, queue);
      if (!waiter) continue;
      this.waitingCount--;
      this.running++;
      waiter(true);
    }
  }
}
