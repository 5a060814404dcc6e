import { type Kysely, type Migration, sql } from 'kysely';

// Each user's number of keys, kept in the same transaction as every insert and delete of a
// key. Lists answer `totalCount` and creates check the per-user cap with one row read
// instead of counting an index range (5 ms for a user with 100,000 keys).
export const keyCount: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('users')
      .addColumn('key_count', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await sql`update users set key_count = (select count(*) from api_keys where api_keys.user_id = users.id)`.execute(
      db,
    );
  },
};
