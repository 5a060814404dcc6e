import type { Kysely, Migration } from 'kysely';

// A key generated in the console waits here for the one page view that shows it, so that
// view may be served by any instance. Only ciphertext is stored, sealed with a key derived
// from the session's cookie, which the database never sees (src/console/key-reveals.ts).
export const consoleReveals: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('console_reveals')
      .addColumn('session_hash', 'text', (c) =>
        c.primaryKey().references('console_sessions.id_hash').onDelete('cascade'),
      )
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('sealed', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('console_reveals_expires_at')
      .on('console_reveals')
      .column('expires_at')
      .execute();
  },
};
