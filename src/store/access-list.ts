import { type Kysely, type Selectable, sql } from 'kysely';
import type { AccessListEntry, AccessOwner } from '../domain/access-list.js';
import { paged, Rollback, revisedWrite, type StoreContext, toCount } from './context.js';
import type { AccessListEntriesTable, Database } from './schema.js';
import type { Store } from './store.js';

type AccessListQueries = Pick<
  Store,
  | 'listAccessEntries'
  | 'getAccessEntry'
  | 'accessBlocks'
  | 'addAccessEntries'
  | 'deleteAccessEntry'
  | 'applyAccessUsage'
>;

const COLUMNS = [
  'cidr_block',
  'comment',
  'created_at',
  'used_count',
  'last_used',
  'last_used_address',
] as const;

type Row = Pick<Selectable<AccessListEntriesTable>, (typeof COLUMNS)[number]>;

function toEntry(row: Row): AccessListEntry {
  return {
    cidrBlock: row.cidr_block,
    ...(row.comment === null ? {} : { comment: row.comment }),
    count: Number(row.used_count),
    created: row.created_at,
    ...(row.last_used === null ? {} : { lastUsed: row.last_used }),
    ...(row.last_used_address === null ? {} : { lastUsedAddress: row.last_used_address }),
  };
}

// A user's list targets the user, a programmatic key's the key.
const ownerTargets = (owner: AccessOwner) =>
  owner.kind === 'user' ? { userId: owner.id } : { keyId: owner.id };

const ofOwner = (db: Kysely<Database>, owner: AccessOwner) =>
  db
    .selectFrom('access_list_entries')
    .where('owner_kind', '=', owner.kind)
    .where('owner_id', '=', owner.id);

/** Every block of one owner, for the hot path's cache (bounded by what an owner may add). */
export async function accessBlocksOf(
  db: Kysely<Database>,
  owner: AccessOwner,
): Promise<readonly string[]> {
  const rows = await ofOwner(db, owner).select('cidr_block').orderBy('cidr_block').execute();
  return rows.map((row) => row.cidr_block);
}

/** Deletes an owner's entries; called inside the transaction that deletes the owner. */
export function deleteAccessEntriesOf(trx: Kysely<Database>, owner: AccessOwner) {
  return trx
    .deleteFrom('access_list_entries')
    .where('owner_kind', '=', owner.kind)
    .where('owner_id', '=', owner.id)
    .execute();
}

/** Deletes the lists of an org's programmatic keys, inside the transaction whose org delete cascades to them. */
export function deleteAccessEntriesOfOrgKeys(trx: Kysely<Database>, orgId: string) {
  return trx
    .deleteFrom('access_list_entries')
    .where('owner_kind', '=', 'apiKey')
    .where(
      'owner_id',
      'in',
      trx.selectFrom('org_api_keys').select('id').where('org_id', '=', orgId),
    )
    .execute();
}

/**
 * Changes to a list bump the credentials revision like key changes: every process's cache
 * holds the list with the owner's keys and must drop it. Usage does not: it gates nothing.
 */
export function accessListQueries(ctx: StoreContext): AccessListQueries {
  const { db } = ctx;
  return {
    listAccessEntries(owner, page) {
      return paged(
        page,
        async () =>
          (
            await ofOwner(db, owner)
              .select(COLUMNS)
              .orderBy('created_at')
              .orderBy('cidr_block')
              .limit(page.limit)
              .offset(page.offset)
              .execute()
          ).map(toEntry),
        async () =>
          toCount(
            await ofOwner(db, owner)
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirst(),
          ),
      );
    },

    async getAccessEntry(owner, cidrBlock) {
      const row = await ofOwner(db, owner)
        .select(COLUMNS)
        .where('cidr_block', '=', cidrBlock)
        .executeTakeFirst();
      return row && toEntry(row);
    },

    accessBlocks: (owner) => accessBlocksOf(db, owner),

    addAccessEntries(owner, entries, maxEntries) {
      return revisedWrite(
        ctx,
        async (trx) => {
          if (entries.length === 0) return;
          // PostgreSQL: one owner's adds take turns (a lock held to the end of the transaction),
          // so the count below sees every add before it; without it, 12 concurrent adds of one
          // block each left 9 entries under a cap of 3. SQLite's writes are serial already.
          if (ctx.kit.name === 'postgres') {
            const turn = `access-list:${owner.kind}:${owner.id}`;
            await sql`select pg_advisory_xact_lock(hashtext(${turn}))`.execute(trx);
          }
          await trx
            .insertInto('access_list_entries')
            .values(
              entries.map((entry) => ({
                owner_kind: owner.kind,
                owner_id: owner.id,
                cidr_block: entry.cidrBlock,
                comment: entry.comment ?? null,
                created_at: entry.created,
              })),
            )
            // An address already listed is ignored, its comment and counts kept.
            .onConflict((oc) => oc.columns(['owner_kind', 'owner_id', 'cidr_block']).doNothing())
            .execute();
          // Counted after the insert, in its transaction, with no other add of this owner's
          // between: a body that would pass the cap is refused whole.
          const held = toCount(
            await ofOwner(trx, owner)
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirst(),
          );
          if (held > maxEntries) throw new Rollback('too-many-entries');
        },
        () => ({
          action: 'accessList.add',
          targets: { ...ownerTargets(owner), detail: entries.map((e) => e.cidrBlock).join(',') },
        }),
      );
    },

    deleteAccessEntry(owner, cidrBlock) {
      return revisedWrite(
        ctx,
        async (trx) => {
          const result = await trx
            .deleteFrom('access_list_entries')
            .where('owner_kind', '=', owner.kind)
            .where('owner_id', '=', owner.id)
            .where('cidr_block', '=', cidrBlock)
            .executeTakeFirst();
          if (result.numDeletedRows === 0n) throw new Rollback('entry-not-found');
        },
        () => ({
          action: 'accessList.delete',
          targets: { ...ownerTargets(owner), detail: cidrBlock },
        }),
      );
    },

    async applyAccessUsage(deltas) {
      if (deltas.length === 0) return;
      // Few rows per flush (one per entry used in the interval): one UPDATE each, in one
      // transaction, in key order so instances flushing the same entries lock alike.
      const ordered = [...deltas].sort((a, b) => {
        const left = `${a.owner.kind}\0${a.owner.id}\0${a.cidrBlock}`;
        const right = `${b.owner.kind}\0${b.owner.id}\0${b.cidrBlock}`;
        return left < right ? -1 : left > right ? 1 : 0;
      });
      await ctx.kit.write(db, async (trx) => {
        for (const delta of ordered) {
          await trx
            .updateTable('access_list_entries')
            .set((eb) => {
              // The latest use and its address: a later delta from another instance wins.
              const later = eb(eb.fn.coalesce('last_used', eb.val('')), '<=', delta.lastUsed);
              const ifLater = (value: string, column: 'last_used' | 'last_used_address') =>
                eb.case().when(later).then(value).else(eb.ref(column)).end();
              return {
                used_count: eb('used_count', '+', delta.count),
                last_used_address: ifLater(delta.lastUsedAddress, 'last_used_address'),
                last_used: ifLater(delta.lastUsed, 'last_used'),
              };
            })
            .where('owner_kind', '=', delta.owner.kind)
            .where('owner_id', '=', delta.owner.id)
            .where('cidr_block', '=', delta.cidrBlock)
            .execute();
        }
      });
    },
  };
}
