import { type Kysely, type Migration, sql } from 'kysely';

// Console sessions also end after a spell of inactivity, so each records when it was last
// used. Sessions from before count as last used at sign-in.
export const consoleIdle: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('console_sessions')
      .addColumn('last_seen_at', 'text', (c) => c.notNull().defaultTo('1970-01-01T00:00:00Z'))
      .execute();
    await sql`update console_sessions set last_seen_at = created_at`.execute(db);
    await db.schema
      .createIndex('console_sessions_last_seen_at')
      .on('console_sessions')
      .column('last_seen_at')
      .execute();
  },
};
