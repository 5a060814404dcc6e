import type { Kysely, Migration } from 'kysely';

// Successful authentications per key and UTC day, written in the same transaction as the
// usage counts, for charts of requests per day.
export const dailyUsage: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('key_usage_daily')
      .addColumn('key_id', 'text', (c) => c.notNull().references('api_keys.id').onDelete('cascade'))
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('count', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('key_usage_daily_pk', ['key_id', 'day'])
      .execute();
  },
};
