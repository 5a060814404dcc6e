// SQLite for Kysely through whichever driver the running Node can use safely:
// - Node 24 and later: node:sqlite, built in (stable there: no warning, nothing to compile).
//   better-sqlite3 12 cannot serve them: it derives from node::ObjectWrap, whose header in
//   Node 24.19+ makes the destructor abort the process (`Assertion failed: (env) != nullptr`)
//   when the garbage collector frees a Database or Statement (nodejs/node#65446). better-sqlite3
//   13 no longer uses ObjectWrap, but requires Node 22.
// - Node 20 and 22: better-sqlite3 12 (node:sqlite is missing in 20, experimental in 22).
// Both present one shape: better-sqlite3's, including its error codes.
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

export interface SqliteConnection extends SqliteDatabase {
  readonly driver: 'node:sqlite' | 'better-sqlite3';
  exec(sql: string): void;
}

/** The part of node:sqlite used here (@types/node follows Node 20, which has none). */
interface NodeSqlite {
  DatabaseSync: new (
    path: string,
  ) => {
    exec(sql: string): void;
    prepare(sql: string): NodeSqliteStatement;
    close(): void;
  };
}

interface NodeSqliteStatement {
  columns(): unknown[];
  all(...parameters: unknown[]): unknown[];
  run(...parameters: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...parameters: unknown[]): IterableIterator<unknown>;
}

const require = createRequire(import.meta.url);

export const BUILT_IN_FROM_NODE = 24;

export interface OpenSqliteOptions {
  /**
   * Refuse to create the file. better-sqlite3 opens it without SQLITE_OPEN_CREATE; node:sqlite
   * has no such flag, so the caller checks the file exists first (open-store.ts does).
   */
  readonly mustExist?: boolean;
}

export function openSqlite(path: string, options: OpenSqliteOptions = {}): SqliteConnection {
  const major = Number(process.versions.node.split('.')[0]);
  return major >= BUILT_IN_FROM_NODE ? openBuiltIn(path) : openBetterSqlite3(path, options);
}

function openBetterSqlite3(path: string, options: OpenSqliteOptions): SqliteConnection {
  let Database: typeof BetterSqlite3;
  try {
    Database = require('better-sqlite3');
  } catch (error) {
    throw new Error(
      `SQLite on Node ${process.versions.node} needs better-sqlite3, which is not installed ` +
        `or not built for this Node: run \`npm ci\` under it (or use Node ${BUILT_IN_FROM_NODE}+)`,
      { cause: error },
    );
  }
  const database = new Database(path, { fileMustExist: options.mustExist ?? false });
  return {
    driver: 'better-sqlite3',
    exec: (sql) => void database.exec(sql),
    prepare: (sql) => database.prepare(sql),
    close: () => void database.close(),
  };
}

function openBuiltIn(path: string): SqliteConnection {
  const { DatabaseSync } = require('node:sqlite') as NodeSqlite;
  const database = new DatabaseSync(path);
  return {
    driver: 'node:sqlite',
    exec: (sql) => translated(() => database.exec(sql)),
    prepare: (sql) => builtInStatement(translated(() => database.prepare(sql))),
    close: () => database.close(),
  };
}

function builtInStatement(statement: NodeSqliteStatement): SqliteStatement {
  return {
    reader: statement.columns().length > 0,
    all: (parameters) => translated(() => statement.all(...parameters)),
    run: (parameters) => translated(() => statement.run(...parameters)),
    iterate: (parameters) => translated(() => statement.iterate(...parameters)),
  };
}

/** SQLite's names for the extended result codes the store tells apart (as better-sqlite3's `code`). */
const CODE_NAMES: Readonly<Record<number, string>> = {
  5: 'SQLITE_BUSY',
  787: 'SQLITE_CONSTRAINT_FOREIGNKEY',
  1555: 'SQLITE_CONSTRAINT_PRIMARYKEY',
  2067: 'SQLITE_CONSTRAINT_UNIQUE',
};

/** node:sqlite reports every failure as ERR_SQLITE_ERROR with the number in `errcode`. */
function translated<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof Error && 'errcode' in error && typeof error.errcode === 'number') {
      const name = CODE_NAMES[error.errcode];
      if (name) Object.assign(error, { code: name });
    }
    throw error;
  }
}
