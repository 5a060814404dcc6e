import type { AuditFilter } from '../domain/audit.js';
import type { Timestamp } from '../domain/records.js';
import { appendAudit, toEvent } from './audit-rows.js';
import { paged, type StoreContext, toCount } from './context.js';
import type { Store } from './store.js';

type AuditQueries = Pick<Store, 'recordAudit' | 'listAudit' | 'pruneAudit'>;

export function auditQueries(ctx: StoreContext): AuditQueries {
  const { db, kit } = ctx;
  const filtered = (filter: AuditFilter) => {
    let query = db.selectFrom('audit_events');
    const { userId, since, action, after } = filter;
    if (userId !== undefined) {
      query = query.where((eb) =>
        eb.or([eb('actor_user_id', '=', userId), eb('target_user_id', '=', userId)]),
      );
    }
    if (since !== undefined) query = query.where('created_at', '>=', since);
    if (action !== undefined) query = query.where('action', '=', action);
    if (after !== undefined) {
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '<', after.at),
          eb.and([eb('created_at', '=', after.at), eb('id', '<', after.id)]),
        ]),
      );
    }
    return query;
  };
  return {
    async recordAudit(change) {
      await kit.write(db, (trx) => appendAudit(trx, change));
    },
    listAudit: (filter, page) =>
      paged(
        page,
        async () =>
          (
            await filtered(filter)
              .selectAll()
              .orderBy('created_at', 'desc')
              .orderBy('id', 'desc')
              .limit(page.limit)
              .offset(page.offset)
              .execute()
          ).map(toEvent),
        async () =>
          toCount(
            await filtered(filter)
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirst(),
          ),
      ),
    async pruneAudit(before: Timestamp) {
      const result = await db
        .deleteFrom('audit_events')
        .where('created_at', '<', before)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
