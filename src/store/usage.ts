import { type RawBuilder, sql } from 'kysely';
import type { ObjectId } from '../domain/records.js';
import { latest } from '../domain/time.js';
import type { StoreContext } from './context.js';
import { KEY_COLUMNS, toKey } from './keys.js';
import type { Store, UsageDelta } from './store.js';

/** Deltas for the same key folded into one, so each key is updated once. */
function merge(deltas: readonly UsageDelta[]): UsageDelta[] {
  const byKey = new Map<ObjectId, UsageDelta>();
  for (const d of deltas) {
    const seen = byKey.get(d.keyId);
    // The later use tells where the key was last used.
    const later = seen && seen.lastUsed > d.lastUsed ? seen : d;
    byKey.set(
      d.keyId,
      seen
        ? { ...later, count: seen.count + d.count, lastUsed: latest(d.lastUsed, seen.lastUsed) }
        : d,
    );
  }
  // Sorted by id: instances flushing overlapping keys lock rows in the same order.
  return [...byKey.values()].sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0));
}

/**
 * SET clauses for where a key was last used: taken from the delta unless the stored use
 * (another instance's flush) is later. Both dialects read the row's old `last_used` here.
 */
function whereFrom(stored: RawBuilder<unknown>) {
  const newer = sql`d.last_used >= coalesce(${stored}, '')`;
  return sql`last_used_address = case when ${newer} and d.address is not null
                                      then d.address else last_used_address end,
             last_used_user_agent = case when ${newer} and d.address is not null
                                         then d.user_agent else last_used_user_agent end`;
}

/** Personal keys and programmatic keys: the same counts; daily rows only for personal keys. */
const USAGE_TABLES = ['api_keys', 'org_api_keys'] as const;

/**
 * One UPDATE per flush whatever its size: the deltas travel as arrays (PostgreSQL) or as
 * one JSON document (SQLite) and are joined to api_keys and org_api_keys (programmatic keys,
 * which get no daily rows). Keys deleted meanwhile match no
 * row and are dropped. Usage does not bump the credentials revision: it is not a credential.
 */
export function usageQueries(
  ctx: StoreContext,
): Pick<Store, 'applyUsage' | 'dailyUsage' | 'busiestKeys'> {
  const { db, kit } = ctx;
  return {
    async applyUsage(deltas) {
      const merged = merge(deltas);
      if (merged.length === 0) return;
      if (kit.name === 'postgres') {
        const ids = merged.map((d) => d.keyId);
        const d = sql`unnest(${ids}::text[], ${merged.map((d) => d.count)}::bigint[],
                             ${merged.map((d) => d.lastUsed)}::text[],
                             ${merged.map((d) => d.lastUsedAddress ?? null)}::text[],
                             ${merged.map((d) => d.lastUsedUserAgent ?? null)}::text[])
                      as d(id, count, last_used, address, user_agent)`;
        await kit.write(db, async (trx) => {
          for (const table of USAGE_TABLES.map((name) => sql.table(name))) {
            await sql`select id from ${table} where id = any(${ids}::text[]) order by id for no key update`.execute(
              trx,
            );
            await sql`
              update ${table} as k
                 set used_count = k.used_count + d.count,
                     last_used = greatest(k.last_used, d.last_used),
                     ${whereFrom(sql.ref('k.last_used'))}
                from ${d}
               where k.id = d.id`.execute(trx);
          }
          await sql`
            insert into key_usage_daily (key_id, day, count)
            select d.id, substr(d.last_used, 1, 10), d.count
              from ${d}
              join api_keys k on k.id = d.id
            on conflict (key_id, day) do update set count = key_usage_daily.count + excluded.count`.execute(
            trx,
          );
        });
        return;
      }
      const json = JSON.stringify(
        merged.map((d) => [
          d.keyId,
          d.count,
          d.lastUsed,
          d.lastUsedAddress ?? null,
          d.lastUsedUserAgent ?? null,
        ]),
      );
      const d = sql`(select json_extract(value, '$[0]') as id,
                            json_extract(value, '$[1]') as count,
                            json_extract(value, '$[2]') as last_used,
                            json_extract(value, '$[3]') as address,
                            json_extract(value, '$[4]') as user_agent
                       from json_each(${json})) as d`;
      await kit.write(db, async (trx) => {
        for (const name of USAGE_TABLES) {
          await sql`
            update ${sql.table(name)}
               set used_count = used_count + d.count,
                   last_used = max(coalesce(${sql.ref(`${name}.last_used`)}, ''), d.last_used),
                   ${whereFrom(sql.ref(`${name}.last_used`))}
              from ${d}
             where ${sql.ref(`${name}.id`)} = d.id`.execute(trx);
        }
        // "where true" lets SQLite parse an upsert whose source is a select.
        await sql`
          insert into key_usage_daily (key_id, day, count)
          select d.id, substr(d.last_used, 1, 10), d.count
            from ${d}
            join api_keys k on k.id = d.id
           where true
          on conflict (key_id, day) do update set count = count + excluded.count`.execute(trx);
      });
    },

    async dailyUsage(keyIds, fromDay) {
      if (keyIds.length === 0) return [];
      const rows = await db
        .selectFrom('key_usage_daily')
        .select(['key_id', 'day', 'count'])
        .where('key_id', 'in', [...keyIds])
        .where('day', '>=', fromDay)
        .orderBy('key_id')
        .orderBy('day')
        .execute();
      return rows.map((row) => ({ keyId: row.key_id, day: row.day, count: Number(row.count) }));
    },

    async busiestKeys(orgId, fromDay, limit) {
      const rows = await db
        .selectFrom('key_usage_daily as d')
        .innerJoin('api_keys', 'api_keys.id', 'd.key_id')
        .innerJoin('users as u', 'u.id', 'api_keys.user_id')
        .innerJoin('org_memberships as m', 'm.user_id', 'u.id')
        .where('m.org_id', '=', orgId)
        .where('d.day', '>=', fromDay)
        .select(KEY_COLUMNS.map((column) => `api_keys.${column}` as const))
        .select(['u.username', (eb) => eb.fn.sum<number | string>('d.count').as('requests')])
        .groupBy([...KEY_COLUMNS.map((column) => `api_keys.${column}` as const), 'u.username'])
        .orderBy('requests', 'desc')
        .orderBy('api_keys.id')
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        key: toKey(row),
        username: row.username,
        requests: Number(row.requests),
      }));
    },
  };
}
