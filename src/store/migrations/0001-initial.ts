import { type Kysely, type Migration, sql } from 'kysely';

// Written once for both dialects: `boolean` is a real type in PostgreSQL and NUMERIC
// affinity holding 0/1 in SQLite; `bigint` is int8 in PostgreSQL and INTEGER in SQLite.
// Timestamps are TEXT in the wire format everywhere.
export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('settings')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('orgs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('first_name', 'text', (c) => c.notNull())
      .addColumn('last_name', 'text', (c) => c.notNull())
      .addColumn('email_address', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text')
      .execute();

    await db.schema
      .createTable('org_memberships')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id').onDelete('cascade'))
      .addColumn('role_name', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('org_memberships_pk', ['user_id', 'org_id'])
      .execute();
    // listOrgUsers walks an org's members in user order.
    await db.schema
      .createIndex('org_memberships_org_user')
      .on('org_memberships')
      .columns(['org_id', 'user_id'])
      .execute();

    await db.schema
      .createTable('global_roles')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role_name', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('global_roles_pk', ['user_id', 'role_name'])
      .execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('enabled', 'boolean', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_used', 'text')
      .addColumn('used_count', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('suffix', 'text', (c) => c.notNull())
      .addColumn('ha1_md5', 'text', (c) => c.notNull())
      .addColumn('ha1_sha256', 'text', (c) => c.notNull())
      .addColumn('ha1_sha512_256', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('api_keys_user_id')
      .on('api_keys')
      .columns(['user_id', 'id'])
      .execute();

    await db.schema
      .createTable('credentials_revision')
      .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
      .addColumn('revision', 'bigint', (c) => c.notNull())
      .execute();
    await sql`insert into credentials_revision (id, revision) values (1, 0)`.execute(db);
  },
};
