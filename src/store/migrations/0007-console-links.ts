import type { Kysely, Migration } from 'kysely';

// One-time links that let a user set their console password: an invitation, or a reset
// an administrator issued. Only the SHA-256 of the link's token is stored, as for sessions;
// `used_at` is set by the one UPDATE that redeems it (src/store/console-links.ts).
export const consoleLinks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('console_links')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .execute();
    await db.schema
      .createIndex('console_links_user_id')
      .on('console_links')
      .column('user_id')
      .execute();
  },
};
