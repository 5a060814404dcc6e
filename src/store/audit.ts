import type { Kysely, Selectable } from 'kysely';
import type {
  AuditActor,
  AuditChange,
  AuditEvent,
  AuditFilter,
  AuditOutcome,
  AuditSource,
} from '../domain/audit.js';
import { currentAuditSource } from '../domain/audit-scope.js';
import { newObjectId } from '../domain/ids.js';
import type { Timestamp } from '../domain/records.js';
import { currentTimestamp } from '../domain/time.js';
import { paged, type StoreContext, toCount } from './context.js';
import type { AuditEventsTable, Database } from './schema.js';
import type { Store } from './store.js';

type AuditQueries = Pick<Store, 'recordAudit' | 'listAudit' | 'pruneAudit'>;
type AuditRow = Selectable<AuditEventsTable>;

function actorColumns(actor: AuditActor) {
  switch (actor.kind) {
    case 'user':
      return { actor_user_id: actor.userId, actor_name: actor.username, actor_key_id: actor.keyId };
    case 'apiKey':
      return { actor_name: actor.publicKey, actor_key_id: actor.keyId };
    case 'cli':
      return { actor_name: actor.osUser };
    default:
      return {};
  }
}

function toRow({ actor, origin }: AuditSource, change: AuditChange): AuditRow {
  const { targets } = change;
  const row = {
    id: newObjectId(),
    created_at: currentTimestamp(),
    actor_kind: actor.kind,
    ...actorColumns(actor),
    channel: origin.channel,
    address: origin.address,
    user_agent: origin.userAgent,
    action: change.action,
    target_user_id: targets.userId,
    target_org_id: targets.orgId,
    target_key_id: targets.keyId,
    target_detail: targets.detail,
    outcome: change.outcome ?? 'ok',
  };
  // Absent fields as NULL, not undefined, which Kysely would drop from one row's columns.
  return Object.fromEntries(
    Object.entries(row).map(([name, value]) => [name, value ?? null]),
  ) as AuditRow;
}

/** Appends `change`, made by whoever the current scope names, in the caller's transaction. */
export async function appendAudit(trx: Kysely<Database>, change: AuditChange): Promise<void> {
  await trx.insertInto('audit_events').values(toRow(currentAuditSource(), change)).execute();
}

function actorOf(row: AuditRow): AuditActor {
  const name = row.actor_name ?? '';
  const keyId = row.actor_key_id ?? undefined;
  switch (row.actor_kind) {
    case 'user':
      return {
        kind: 'user',
        userId: row.actor_user_id ?? '',
        username: name,
        ...(keyId && { keyId }),
      };
    case 'apiKey':
      return { kind: 'apiKey', keyId: keyId ?? '', publicKey: name };
    case 'cli':
      return { kind: 'cli', osUser: name };
    default:
      return { kind: row.actor_kind === 'anonymous' ? 'anonymous' : 'system' };
  }
}

/** Only the columns that hold a value, so a read-back event equals what was recorded. */
function present<T extends Record<string, string | null>>(fields: T) {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null)) as {
    [K in keyof T]?: string;
  };
}

function toEvent(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    at: row.created_at,
    actor: actorOf(row),
    origin: {
      channel: row.channel as AuditEvent['origin']['channel'],
      ...present({ address: row.address, userAgent: row.user_agent }),
    },
    action: row.action as AuditEvent['action'],
    targets: present({
      userId: row.target_user_id,
      orgId: row.target_org_id,
      keyId: row.target_key_id,
      detail: row.target_detail,
    }),
    outcome: row.outcome as AuditOutcome,
  };
}

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
