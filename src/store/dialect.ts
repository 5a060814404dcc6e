import { type Kysely, type SqlBool, sql } from 'kysely';
import type { Database } from './schema.js';

/**
 * Everything that differs between SQLite and PostgreSQL, in one place. Query files use
 * this instead of testing the dialect themselves.
 */
export interface DialectKit {
  readonly name: 'sqlite' | 'postgres';
  /** A boolean as the column stores it: 0/1 in SQLite, boolean in PostgreSQL. */
  bool(value: boolean): SqlBool;
  /** A unique or primary key constraint failed. */
  isUniqueViolation(error: unknown): boolean;
  /** A foreign key constraint failed. */
  isForeignKeyViolation(error: unknown): boolean;
  /**
   * Runs `fn` in one write transaction. SQLite takes the write lock up front
   * (`BEGIN IMMEDIATE`), so a transaction that reads before it writes waits on
   * busy_timeout instead of failing when another process (the CLI) wrote in between.
   */
  write<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * Tells other processes, once `trx` commits, that the credentials revision moved. Only
   * PostgreSQL can (NOTIFY, delivered at commit and only on commit); on SQLite the poll is it.
   */
  announceRevision(trx: Kysely<Database>, payload: string): Promise<void>;
}

/** The PostgreSQL channel that carries `<revision> <origin>` on every credentials change. */
export const REVISION_CHANNEL = 'keyward_revision';

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

export const sqliteKit: DialectKit = {
  name: 'sqlite',
  bool: (value) => (value ? 1 : 0),
  isUniqueViolation: (error) =>
    errorCode(error) === 'SQLITE_CONSTRAINT_UNIQUE' ||
    errorCode(error) === 'SQLITE_CONSTRAINT_PRIMARYKEY',
  isForeignKeyViolation: (error) => errorCode(error) === 'SQLITE_CONSTRAINT_FOREIGNKEY',
  // Kysely's SQLite driver has one connection behind a mutex: holding it for the whole
  // transaction also serialises this process's own transactions.
  write: (db, fn) =>
    db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      try {
        const result = await fn(conn);
        await sql`commit`.execute(conn);
        return result;
      } catch (error) {
        await sql`rollback`.execute(conn);
        throw error;
      }
    }),
  announceRevision: async () => {},
};

export const postgresKit: DialectKit = {
  name: 'postgres',
  bool: (value) => value,
  isUniqueViolation: (error) => errorCode(error) === '23505',
  isForeignKeyViolation: (error) => errorCode(error) === '23503',
  write: (db, fn) => db.transaction().execute(fn),
  async announceRevision(trx, payload) {
    await sql`select pg_notify(${REVISION_CHANNEL}, ${payload})`.execute(trx);
  },
};
