import type { Store } from '../store/store.js';
import { toTimestamp } from './time.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface AuditPruning {
  stop(): void;
  /** Settles when the prune made at start has (its failure goes to `onError`). */
  readonly started: Promise<void>;
}

/**
 * Deletes audit events older than `retentionDays`, at start and hourly, until stopped. Every
 * worker runs it: the DELETE is idempotent, and an hour's backlog is small.
 */
export function pruneAuditTrail(
  store: Pick<Store, 'pruneAudit'>,
  retentionDays: number,
  onError: (error: unknown) => void,
  now: () => number = Date.now,
): AuditPruning {
  const prune = () =>
    store
      .pruneAudit(toTimestamp(new Date(now() - retentionDays * DAY_MS)))
      .then(() => undefined, onError);
  const started = prune();
  const timer = setInterval(prune, HOUR_MS);
  timer.unref();
  return { stop: () => clearInterval(timer), started };
}
