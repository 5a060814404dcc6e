import type { Kysely, Migration } from 'kysely';

// Programmatic API keys of an org. The public key is the Digest username, so it is unique
// here and kept apart from usernames by the writes (src/store/org-api-keys.ts); the private
// key is stored only as HA1s, as personal keys are. Usage columns are those of api_keys,
// written by the same flush. Roles live in their own table, all in the key's org.
export const orgApiKeys: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('org_api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
      .addColumn('public_key', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_used', 'text')
      .addColumn('used_count', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('suffix', 'text', (c) => c.notNull())
      .addColumn('ha1_md5', 'text', (c) => c.notNull())
      .addColumn('ha1_sha256', 'text', (c) => c.notNull())
      .addColumn('ha1_sha512_256', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('org_api_keys_org_id')
      .on('org_api_keys')
      .columns(['org_id', 'id'])
      .execute();
    await db.schema
      .createTable('org_api_key_roles')
      .addColumn('key_id', 'text', (c) =>
        c.notNull().references('org_api_keys.id').onDelete('cascade'),
      )
      .addColumn('role_name', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('org_api_key_roles_pk', ['key_id', 'role_name'])
      .execute();
  },
};
