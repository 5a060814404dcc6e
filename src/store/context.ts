import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import type { AuditChange } from '../domain/audit.js';
import type { Outcome, Page, PageRequest, Revision, Written } from '../domain/records.js';
import { appendAudit } from './audit-rows.js';
import type { DialectKit } from './dialect.js';
import type { Database } from './schema.js';
import { bumpRevision } from './settings.js';

/** What every query file is built from. */
export interface StoreContext {
  readonly db: Kysely<Database>;
  readonly kit: DialectKit;
  /** Random per opened store: names this store's revision announcements, so it can skip its own. */
  readonly origin: string;
}

/** Thrown inside a write transaction to roll it back and return `{ ok: false, error }`. */
export class Rollback<E extends string> extends Error {
  constructor(readonly error: E) {
    super(`rolled back: ${error}`);
  }
}

/**
 * What a change records in the audit trail, given its result: a function because some targets
 * (a new key's id) are known only after the write.
 */
export type Audited<T> = (value: T) => AuditChange;

/**
 * One write transaction whose expected failures (thrown as `Rollback`) become values; with
 * `audited`, the change's audit row is appended in the same transaction, so a change that
 * rolls back leaves none and a committed one cannot go unrecorded.
 */
export async function writeOutcome<T, E extends string>(
  ctx: StoreContext,
  fn: (trx: Kysely<Database>) => Promise<T>,
  audited?: Audited<T>,
): Promise<Outcome<T, E>> {
  const work = async (trx: Kysely<Database>) => {
    const value = await fn(trx);
    if (audited) await appendAudit(trx, audited(value));
    return value;
  };
  try {
    return { ok: true, value: await ctx.kit.write(ctx.db, work) };
  } catch (error) {
    if (error instanceof Rollback) return { ok: false, error: error.error as E };
    throw error;
  }
}

/**
 * One write transaction that changes users, memberships, roles or keys: `fn`'s work plus the
 * revision bump that tells every process's cache, and the revision it produced, which the
 * writer hands to its own cache (src/domain/user-cache.ts).
 */
export async function revisedWrite<T, E extends string>(
  ctx: StoreContext,
  fn: (trx: Kysely<Database>) => Promise<T>,
  audited: Audited<T> | undefined,
): Promise<Written<T, E>> {
  const written = await writeOutcome<{ value: T; revision: Revision }, E>(
    ctx,
    async (trx) => {
      const value = await fn(trx);
      return { value, revision: await bumpRevision(trx, ctx) };
    },
    audited && ((done) => audited(done.value)),
  );
  return written.ok ? { ok: true, ...written.value } : written;
}

/** A page of items plus, only when asked for, the total (both read concurrently). */
export async function paged<T>(
  request: PageRequest,
  items: () => Promise<readonly T[]>,
  count: () => Promise<number>,
): Promise<Page<T>> {
  const [list, total] = await Promise.all([
    items(),
    request.includeCount ? count() : Promise.resolve(undefined),
  ]);
  return total === undefined ? { items: list } : { items: list, total };
}

/** `count(*)` comes back as a string from some drivers; make it a number. */
export function toCount(row: { n: number | string | bigint } | undefined): number {
  return Number(row?.n ?? 0);
}

/**
 * `lower(column) LIKE '%search%'`: case-insensitive in both dialects (SQLite's LIKE already
 * is for ASCII, PostgreSQL's is not), with LIKE's wildcards in the search escaped so they
 * match themselves.
 */
export function contains(column: Expression<string>, search: string): Expression<SqlBool> {
  const pattern = `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<SqlBool>`lower(${column}) like ${pattern} escape '\\'`;
}
