import type { Store } from '../store/store.js';
import { toTimestamp } from './time.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Deletes audit events older than `retentionDays`, at start and hourly, until the returned stop
 * is called. Every worker runs it: the DELETE is idempotent, and an hour's backlog is small.
 */
export function pruneAuditTrail(
  store: Pick<Store, 'pruneAudit'>,
  retentionDays: number,
  onError: (error: unknown) => void,
  now: () => number = Date.now,
): () => void {
  const prune = () => {
    store.pruneAudit(toTimestamp(new Date(now() - retentionDays * DAY_MS))).catch(onError);
  };
  prune();
  const timer = setInterval(prune, HOUR_MS);
  timer.unref();
  return () => clearInterval(timer);
}
