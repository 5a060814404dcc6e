import type { UserCache } from './user-cache.js';

export interface RevisionWatchOptions {
  /** The backstop poll's interval (SQLite's only way to learn of other processes' changes). */
  readonly pollMs: number;
  /** The store's push channel (`Store.onRevision`): another process may have changed something. */
  readonly subscribe: (onChange: () => void) => () => void;
  readonly log: {
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
  };
}

/**
 * Keeps the user cache in step with the credentials revision: a read as soon as the store
 * reports another process's change (PostgreSQL NOTIFY), and a poll every `pollMs` in case a
 * notification is lost. Reads prompted by notifications are coalesced, one in flight and one
 * queued: a burst of changes costs two reads, and the queued one starts after the last change
 * it stands for was announced. The poll runs on its own, so a read stuck on a dead connection
 * cannot hold back the next. It also says, in the log, when the cache goes unconfirmed (and
 * authentication answers 503) and when it is confirmed again.
 */
export function watchRevisions(
  users: Pick<UserCache, 'refresh' | 'confirmed'>,
  { pollMs, subscribe, log }: RevisionWatchOptions,
): { stop(): void } {
  let unavailableSince: number | undefined;
  const observe = () => {
    const confirmed = users.confirmed();
    if (!confirmed && unavailableSince === undefined) {
      unavailableSince = Date.now();
      log.error(
        {},
        'credentials revision not confirmed in time: authentication answers 503 until the database answers',
      );
    } else if (confirmed && unavailableSince !== undefined) {
      log.info({ ms: Date.now() - unavailableSince }, 'credentials revision confirmed again');
      unavailableSince = undefined;
    }
  };
  const read = () =>
    users
      .refresh()
      .catch((error) => log.warn({ err: error }, 'revision read failed'))
      .finally(observe);

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
  const poll = setInterval(() => {
    observe();
    void read();
  }, pollMs);
  poll.unref();
  return {
    stop() {
      clearInterval(poll);
      unsubscribe();
    },
  };
}
