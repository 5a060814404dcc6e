import type { UserCache } from './user-cache.js';

export interface RevisionWatchOptions {
  /** The backstop poll's interval (SQLite's only way to learn of other processes' changes). */
  readonly pollMs: number;
  /** The store's push channel (`Store.onRevision`): another process may have changed something. */
  readonly subscribe: (onChange: () => void) => () => void;
  readonly log: { warn(obj: object, msg: string): void };
}

/**
 * Keeps the user cache in step with the credentials revision: a read as soon as the store
 * reports another process's change (PostgreSQL NOTIFY), and a poll every `pollMs` in case a
 * notification is lost. Reads prompted by notifications are coalesced, one in flight and one
 * queued: a burst of changes costs two reads, and the queued one starts after the last change
 * it stands for was announced. The poll runs on its own, so a read stuck on a dead connection
 * cannot hold back the next.
 */
export function watchRevisions(
  users: Pick<UserCache, 'refresh'>,
  { pollMs, subscribe, log }: RevisionWatchOptions,
): { stop(): void } {
  const read = () =>
    users.refresh().catch((error) => log.warn({ err: error }, 'revision read failed'));

  let inFlight = false;
  let queued = false;
  const onChange = () => {
    if (inFlight) {
      queued = true;
      return;
    }
    inFlight = true;
    void read().finally(() => {
      inFlight = false;
      if (queued) {
        queued = false;
        onChange();
      }
    });
  };

  const unsubscribe = subscribe(onChange);
  const poll = setInterval(() => void read(), pollMs);
  poll.unref();
  return {
    stop() {
      clearInterval(poll);
      unsubscribe();
    },
  };
}
