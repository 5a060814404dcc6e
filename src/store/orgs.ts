import type { Kysely, Selectable } from 'kysely';
import type { AuditAction, AuditChange } from '../domain/audit.js';
import type { OrgDeletionBlocker } from '../domain/orgs.js';
import type { ObjectId, OrgRecord } from '../domain/records.js';
import { deleteAccessEntriesOfOrgKeys } from './access-list.js';
import {
  paged,
  Rollback,
  revisedWrite,
  type StoreContext,
  toCount,
  writeOutcome,
} from './context.js';
import type { Database, OrgsTable } from './schema.js';
import type { Store } from './store.js';

type OrgQueries = Pick<
  Store,
  'createOrg' | 'getOrg' | 'getOrgs' | 'listOrgs' | 'deleteOrg' | 'renameOrg' | 'deleteEmptyOrg'
>;

function toOrg(row: Selectable<OrgsTable>): OrgRecord {
  return { id: row.id, name: row.name, createdAt: row.created_at };
}

const orgChange = (action: AuditAction, orgId: string) => (): AuditChange => ({
  action,
  targets: { orgId },
});

export function orgQueries(ctx: StoreContext): OrgQueries {
  const { db, kit } = ctx;
  return {
    createOrg(org) {
      return writeOutcome(
        ctx,
        async (trx) => {
          try {
            await trx
              .insertInto('orgs')
              .values({ id: org.id, name: org.name, created_at: org.createdAt })
              .execute();
          } catch (error) {
            if (kit.isUniqueViolation(error)) throw new Rollback('name-taken');
            throw error;
          }
          return { id: org.id, name: org.name, createdAt: org.createdAt };
        },
        () => ({ action: 'org.create', targets: { orgId: org.id, detail: org.name } }),
      );
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
      return revisedWrite(
        ctx,
        async (trx) => {
          // Memberships and programmatic keys cascade; users and their keys stay.
          await deleteAccessEntriesOfOrgKeys(trx, id);
          const deleted = await trx.deleteFrom('orgs').where('id', '=', id).executeTakeFirst();
          if (Number(deleted.numDeletedRows) === 0) throw new Rollback('org-not-found');
        },
        orgChange('org.delete', id),
      );
    },

    renameOrg(id, name) {
      return writeOutcome(
        ctx,
        async (trx) => {
          try {
            const row = await trx
              .updateTable('orgs')
              .set({ name })
              .where('id', '=', id)
              .returningAll()
              .executeTakeFirst();
            if (!row) throw new Rollback('org-not-found');
            return toOrg(row);
          } catch (error) {
            if (kit.isUniqueViolation(error)) throw new Rollback('name-taken');
            throw error;
          }
        },
        (org) => ({ action: 'org.rename', targets: { orgId: id, detail: org.name } }),
      );
    },

    deleteEmptyOrg(id, callerId) {
      return revisedWrite(
        ctx,
        async (trx) => {
          // PostgreSQL: lock the org first, so a membership being added concurrently (its foreign
          // key holds a share lock on this row) is either waited for and seen below, or waits
          // for this delete and fails. SQLite's write transaction already excludes every other.
          if (kit.name === 'postgres') {
            await trx.selectFrom('orgs').select('id').where('id', '=', id).forUpdate().execute();
          }
          const [blocker] = await orgDeletionBlockers(trx, id, callerId);
          if (blocker) throw new Rollback(blocker);
          const deleted = await trx.deleteFrom('orgs').where('id', '=', id).executeTakeFirst();
          if (Number(deleted.numDeletedRows) === 0) throw new Rollback('org-not-found');
        },
        orgChange('org.delete', id),
      );
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

/**
 * Why the org may not be deleted yet, inside the deleting transaction: members other than the
 * caller. Its programmatic API keys are to be added here (issue 13, item 1).
 */
async function orgDeletionBlockers(
  trx: Kysely<Database>,
  orgId: ObjectId,
  callerId: ObjectId | undefined,
): Promise<OrgDeletionBlocker[]> {
  const blockers: OrgDeletionBlocker[] = [];
  const other = await trx
    .selectFrom('org_memberships')
    .select('user_id')
    .where('org_id', '=', orgId)
    .$if(callerId !== undefined, (q) => q.where('user_id', '!=', callerId as ObjectId))
    .limit(1)
    .executeTakeFirst();
  if (other) blockers.push('has-members');
  const key = await trx
    .selectFrom('org_api_keys')
    .select('id')
    .where('org_id', '=', orgId)
    .limit(1)
    .executeTakeFirst();
  if (key) blockers.push('has-api-keys');
  return blockers;
}
