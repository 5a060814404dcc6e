import type { Kysely, Migration } from 'kysely';

// The audit trail (src/store/audit.ts): append-only, one row per change, written in the
// change's own transaction. Ids are ObjectIds, which sort by time in both dialects without an
// identity column each does differently. Lists read newest first, for everyone or for one
// user (actor or target): one index per way in, each ending in created_at.
export const auditEvents: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('audit_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('actor_kind', 'text', (c) => c.notNull())
      .addColumn('actor_user_id', 'text')
      .addColumn('actor_name', 'text')
      .addColumn('actor_key_id', 'text')
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('address', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target_user_id', 'text')
      .addColumn('target_org_id', 'text')
      .addColumn('target_key_id', 'text')
      .addColumn('target_detail', 'text')
      .addColumn('outcome', 'text', (c) => c.notNull())
      .execute();
    const indexes = [
      ['audit_events_created_at', ['created_at']],
      ['audit_events_actor', ['actor_user_id', 'created_at']],
      ['audit_events_target_user', ['target_user_id', 'created_at']],
    ] as const;
    for (const [name, columns] of indexes) {
      await db.schema
        .createIndex(name)
        .on('audit_events')
        .columns([...columns])
        .execute();
    }
  },
};
