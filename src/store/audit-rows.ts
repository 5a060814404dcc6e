import type { Kysely, Selectable } from 'kysely';
import type {
  AuditActor,
  AuditChange,
  AuditEvent,
  AuditOutcome,
  AuditSource,
} from '../domain/audit.js';
import { currentAuditSource } from '../domain/audit-scope.js';
import { newObjectId } from '../domain/ids.js';
import { currentTimestamp } from '../domain/time.js';
import type { AuditEventsTable, Database } from './schema.js';

// An audit event to a row and back (one column per field, NULL for what does not apply, so
// filters and indexes reach the ids without parsing anything), and its insert, which every
// write transaction makes (src/store/context.ts).

export type AuditRow = Selectable<AuditEventsTable>;

type ActorColumns = Pick<AuditRow, 'actor_user_id' | 'actor_name' | 'actor_key_id'>;

function actorColumns(actor: AuditActor): ActorColumns {
  const none = { actor_user_id: null, actor_name: null, actor_key_id: null };
  switch (actor.kind) {
    case 'user':
      return {
        actor_user_id: actor.userId,
        actor_name: actor.username,
        actor_key_id: actor.keyId ?? null,
      };
    case 'apiKey':
      return { ...none, actor_name: actor.publicKey, actor_key_id: actor.keyId };
    case 'cli':
      return { ...none, actor_name: actor.osUser };
    default:
      return none;
  }
}

function toRow({ actor, origin }: AuditSource, change: AuditChange): AuditRow {
  const { targets } = change;
  return {
    id: newObjectId(),
    created_at: currentTimestamp(),
    actor_kind: actor.kind,
    ...actorColumns(actor),
    channel: origin.channel,
    address: origin.address ?? null,
    user_agent: origin.userAgent ?? null,
    action: change.action,
    target_user_id: targets.userId ?? null,
    target_org_id: targets.orgId ?? null,
    target_key_id: targets.keyId ?? null,
    target_detail: targets.detail ?? null,
    outcome: change.outcome ?? 'ok',
  };
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

export function toEvent(row: AuditRow): AuditEvent {
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

/** Appends `change`, made by whoever the current scope names, in the caller's transaction. */
export async function appendAudit(trx: Kysely<Database>, change: AuditChange): Promise<void> {
  await trx.insertInto('audit_events').values(toRow(currentAuditSource(), change)).execute();
}
