import { type Kysely, Migrator, sql } from 'kysely';
import type { DialectKit } from './dialect.js';
import { migrationProvider } from './migrations/index.js';

async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const { error, results } = await new Migrator({
    db,
    provider: migrationProvider,
  }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`database migration ${failed ?? ''} failed: ${String(error)}`, {
      cause: error,
    });
  }
}

/**
 * Brings the schema up to date; a no-op when it already is. PostgreSQL: Kysely runs it in
 * a transaction under an advisory lock. SQLite: Kysely's migrator takes no lock there, so
 * the whole run goes in one `BEGIN IMMEDIATE` transaction (SQLite DDL is transactional)
 * and a CLI and a server opening the same file at once cannot both migrate.
 */
export async function runMigrations(db: Kysely<unknown>, kit: DialectKit): Promise<void> {
  if (kit.name === 'postgres') return migrateToLatest(db);
  await db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      await migrateToLatest(conn);
      await sql`commit`.execute(conn);
    } catch (error) {
      await sql`rollback`.execute(conn);
      throw error;
    }
  });
}
