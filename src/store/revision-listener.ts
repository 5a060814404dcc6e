import pg from 'pg';
import { REVISION_CHANNEL } from './dialect.js';
import type { StoreLogger } from './open-store.js';

export interface RevisionListener {
  /** Starts listening on the first call; `onChange` runs when the revision may have moved. */
  subscribe(onChange: () => void): () => void;
  close(): Promise<void>;
}

/** How operators (and tests) find the connection in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'keyward revision listener';

const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 5000;

/**
 * One dedicated connection, outside the pool, that LISTENs for other processes' credentials
 * changes (src/store/settings.ts announces them). A pooled connection would not do: the pool
 * hands connections out and closes idle ones, and a LISTEN lives only as long as its session.
 * When the connection is lost it reconnects with backoff and LISTENs again, then reports a
 * possible change, since a notification sent while nobody listened is gone for good; so does
 * the first LISTEN, for changes between the caller's last read and it.
 */
export function revisionListener(
  url: string,
  origin: string,
  logger?: StoreLogger,
): RevisionListener {
  const subscribers = new Set<() => void>();
  const changed = () => {
    for (const onChange of subscribers) onChange();
  };
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;
  let closed = false;

  const reconnectLater = () => {
    // Jittered, so instances cut off together do not all come back in the same instant.
    const delay =
      Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** failures++) * (0.5 + Math.random() / 2);
    retry = setTimeout(() => {
      connecting = connect();
    }, delay);
    retry.unref();
  };

  async function connect(): Promise<void> {
    const next = new pg.Client({
      connectionString: url,
      application_name: LISTENER_APPLICATION_NAME,
      connectionTimeoutMillis: LAST_RETRY_MS,
      // It only ever receives: without probes, a silently dead peer goes unnoticed for hours.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      const wasListening = client === next;
      if (wasListening) client = undefined;
      next.end().catch(() => {});
      if (closed) return;
      if (wasListening) {
        logger?.warn({ err: error }, 'revision listener lost its connection; reconnecting');
      } else {
        logger?.debug({ err: error, failures }, 'revision listener could not connect');
      }
      reconnectLater();
    };
    next.on('error', onLost);
    next.on('end', () => onLost());
    next.on('notification', ({ channel, payload }) => {
      // This process's own writes are already in its cache, or on their way to it.
      if (channel === REVISION_CHANNEL && payload?.split(' ')[1] !== origin) changed();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${REVISION_CHANNEL}`);
    } catch (error) {
      onLost(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (closed || lost) {
      await next.end().catch(() => {});
      return;
    }
    if (failures > 0) logger?.info({ failures }, 'revision listener listening again');
    client = next;
    failures = 0;
    changed();
  }

  return {
    subscribe(onChange) {
      subscribers.add(onChange);
      if (!connecting && !closed) connecting = connect();
      return () => subscribers.delete(onChange);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      await connecting;
      await client?.end().catch(() => {});
    },
  };
}
