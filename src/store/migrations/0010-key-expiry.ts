import type { Kysely, Migration } from 'kysely';

// Key expiry and where a key was last used, on personal and programmatic keys alike so one
// usage flush updates both tables the same way. One column per statement: SQLite's ALTER
// TABLE adds one at a time.
export const keyExpiry: Migration = {
  async up(db: Kysely<unknown>) {
    for (const table of ['api_keys', 'org_api_keys']) {
      for (const column of ['expires_at', 'last_used_address', 'last_used_user_agent']) {
        await db.schema.alterTable(table).addColumn(column, 'text').execute();
      }
    }
  },
};
