import type { Kysely, Migration } from 'kysely';

// Web console sign-ins. The cookie holds a random id; only its SHA-256 is stored, so a
// copy of the database cannot be replayed as a session.
export const consoleSessions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('console_sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('console_sessions_expires_at')
      .on('console_sessions')
      .column('expires_at')
      .execute();
    await db.schema
      .createIndex('console_sessions_user_id')
      .on('console_sessions')
      .column('user_id')
      .execute();
  },
};
