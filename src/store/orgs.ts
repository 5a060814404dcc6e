import type { Selectable } from 'kysely';
import type { OrgRecord } from '../domain/records.js';
import { paged, Rollback, revisedWrite, type StoreContext, toCount } from './context.js';
import type { OrgsTable } from './schema.js';
import type { Store } from './store.js';

type OrgQueries = Pick<Store, 'createOrg' | 'getOrg' | 'getOrgs' | 'listOrgs' | 'deleteOrg'>;

function toOrg(row: Selectable<OrgsTable>): OrgRecord {
  return { id: row.id, name: row.name, createdAt: row.created_at };
}

export function orgQueries(ctx: StoreContext): OrgQueries {
  const { db, kit } = ctx;
  return {
    async createOrg(org) {
      try {
        await db
          .insertInto('orgs')
          .values({ id: org.id, name: org.name, created_at: org.createdAt })
          .execute();
        return { ok: true, value: { id: org.id, name: org.name, createdAt: org.createdAt } };
      } catch (error) {
        if (kit.isUniqueViolation(error)) return { ok: false, error: 'name-taken' };
        throw error;
      }
    },

    async getOrg(id) {
      const row = await db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toOrg(row);
    },

    async getOrgs(ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('orgs')
        .selectAll()
        .where('id', 'in', [...new Set(ids)])
        .execute();
      return rows.map(toOrg);
    },

    deleteOrg(id) {
      return revisedWrite(ctx, async (trx) => {
        // Memberships cascade; users and their keys stay.
        const deleted = await trx.deleteFrom('orgs').where('id', '=', id).executeTakeFirst();
        if (Number(deleted.numDeletedRows) === 0) throw new Rollback('org-not-found');
      });
    },

    listOrgs(page) {
      return paged(
        page,
        async () =>
          (
            await db
              .selectFrom('orgs')
              .selectAll()
              .orderBy('id')
              .limit(page.limit)
              .offset(page.offset)
              .execute()
          ).map(toOrg),
        async () =>
          toCount(
            await db
              .selectFrom('orgs')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirst(),
          ),
      );
    },
  };
}
