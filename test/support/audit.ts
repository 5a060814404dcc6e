// What the audit-trail suites share: the events since their set-up, and the search of every
// column of every row for a secret.
import type { AuditEvent } from '../../src/domain/audit.js';
import { openSqlite } from '../../src/store/sqlite-driver.js';
import type { Store } from '../../src/store/store.js';

/** How many events the trail holds now: what a suite's own events are counted from. */
export async function auditCount(store: Store): Promise<number> {
  const { total } = await store.listAudit({}, { offset: 0, limit: 1, includeCount: true });
  return total ?? 0;
}

/** The events recorded after the first `skip`, oldest first. */
export async function auditAfter(store: Store, skip: number): Promise<AuditEvent[]> {
  const { items, total } = await store.listAudit(
    {},
    { offset: 0, limit: 1000, includeCount: true },
  );
  return items.slice(0, (total ?? 0) - skip).reverse();
}

/** Every cell of the SQLite file's audit rows that contains one of `secrets`. */
export function cellsHoldingSecrets(database: string, secrets: readonly string[]): string[] {
  if (secrets.some((secret) => secret.length < 8)) throw new Error('a secret went missing');
  // keyward's own SQLite library: on Node 24+ that is node:sqlite, and a second copy of SQLite
  // in the process (better-sqlite3) would not share its locks.
  const db = openSqlite(database, { mustExist: true });
  const rows = db.prepare('select * from audit_events').all([]) as Record<string, unknown>[];
  db.close();
  if (rows.length === 0) throw new Error('no audit rows to search');
  const cells = rows.flatMap((row) => Object.values(row).map(String));
  return cells.filter((cell) => secrets.some((secret) => cell.includes(secret)));
}
