import type { Kysely, Migration } from 'kysely';

// API access lists (IP allow-lists) of users and programmatic keys, in one table keyed by
// the owner's kind and id. The primary key's order serves both the hot path's read (every
// entry of one owner) and the lookup of one entry.
export const accessLists: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('access_list_entries')
      .addColumn('owner_kind', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('cidr_block', 'text', (c) => c.notNull())
      .addColumn('comment', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('used_count', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('last_used', 'text')
      .addColumn('last_used_address', 'text')
      .addPrimaryKeyConstraint('access_list_entries_pk', ['owner_kind', 'owner_id', 'cidr_block'])
      .execute();
  },
};
