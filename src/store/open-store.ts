import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type Dialect,
  Kysely,
  type LogEvent,
  PostgresDialect,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteStatement,
  sql,
} from 'kysely';
import pg from 'pg';
import { accessListQueries } from './access-list.js';
import { activityQueries } from './activity.js';
import { auditQueries } from './audit.js';
import { consoleLinkQueries } from './console-links.js';
import { consoleSessionQueries } from './console-sessions.js';
import type { StoreContext } from './context.js';
import { type DialectKit, postgresKit, sqliteKit } from './dialect.js';
import { keyQueries } from './keys.js';
import { runMigrations } from './migrate.js';
import { orgApiKeyQueries } from './org-api-keys.js';
import { orgQueries } from './orgs.js';
import { type RevisionListener, revisionListener } from './revision-listener.js';
import type { Database } from './schema.js';
import { settingsQueries } from './settings.js';
import { openSqlite, type SqliteConnection } from './sqlite-driver.js';
import type { Store } from './store.js';
import { usageQueries } from './usage.js';
import { userQueries } from './users.js';
import { type Checkpointer, checkpointInWorker } from './wal-checkpointer.js';

/** Any pino-like logger (Fastify's included). */
export interface StoreLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface OpenStoreOptions {
  readonly logger?: StoreLogger;
  /** PostgreSQL pool size; default 10. */
  readonly poolSize?: number;
  /** Queries slower than this are logged at warn; default 500 ms. */
  readonly slowQueryMs?: number;
  /** SQLite: WAL checkpoints in a worker thread, off the event loop (a server's store). */
  readonly checkpointInWorker?: boolean;
  /**
   * Whether a missing SQLite file is created (default true). False for commands that only
   * read or change what exists: a mistyped path then fails instead of starting an empty database.
   */
  readonly create?: boolean;
}

/** `create: false` and no SQLite file at the path. */
export class DatabaseNotFound extends Error {
  constructor(readonly path: string) {
    super(`no database at ${path}`);
  }
}

const INT8_OID = 20;

export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//i.test(database);
}

function postgresDialect(url: string, poolSize: number, logger?: StoreLogger): Dialect {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // An unreachable host would otherwise hold a request until the OS gives up (minutes):
    // fail it (503, src/store/unavailable.ts) while the client still waits.
    connectionTimeoutMillis: 5_000,
    query_timeout: 30_000,
    // bigint columns and count(*) as numbers: counts stay far below 2^53.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID
          ? Number
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // A connection that dies (the database restarted or unreachable) emits 'error', and the
  // pool repeats it for an idle one: unheard, either event would end the process. The query
  // in flight, if any, fails with the same error and the pool drops the connection.
  pool.on('connect', (client) =>
    client.on('error', (error) => logger?.warn({ err: error }, 'database connection lost')),
  );
  pool.on('error', () => {});
  return new PostgresDialect({ pool });
}

function sqliteDialect(
  path: string,
  { create, checkpointElsewhere }: { create: boolean; checkpointElsewhere: boolean },
): { dialect: Dialect; checkpointer?: Checkpointer } {
  if (path !== ':memory:' && !path.startsWith('file:')) {
    if (!create && !existsSync(path)) throw new DatabaseNotFound(path);
    if (create) mkdirSync(dirname(path), { recursive: true });
  }
  const database = openSqlite(path, { mustExist: !create });
  // WAL lets the CLI and a running server share the file: readers never block the
  // writer, and a writer waits up to busy_timeout for another process's transaction.
  database.exec('pragma journal_mode = WAL');
  database.exec('pragma busy_timeout = 5000');
  database.exec('pragma foreign_keys = ON');
  database.exec('pragma synchronous = NORMAL');
  const inMemory = path === ':memory:' || path.includes('mode=memory');
  const checkpointer =
    checkpointElsewhere && !inMemory ? checkpointInWorker(database, path) : undefined;
  const dialect = new SqliteDialect({
    database: withStatementCache(database, () => void checkpointer?.stop()),
  });
  return checkpointer ? { dialect, checkpointer } : { dialect };
}

/**
 * Kysely prepares every query afresh; preparing costs more than running the small queries
 * keyward makes. The store issues a fixed set of SQL strings (values are bound), so a small
 * map of prepared statements covers them all; the bound keeps a pathological caller from
 * growing it without limit.
 */
function withStatementCache(
  database: SqliteConnection,
  onClose: () => void,
  limit = 256,
): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => {
      // This connection first, the checkpointer's after: only a connection that closes alone
      // can fold the WAL in and remove its files; closing both at once left them behind.
      database.close();
      onClose();
    },
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= limit) statements.clear();
        statement = database.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

/** Failed queries at debug (unique violations are expected), slow ones at warn. */
function queryLog(options: OpenStoreOptions): ((event: LogEvent) => void) | undefined {
  const { logger } = options;
  if (!logger) return undefined;
  const slowMs = options.slowQueryMs ?? 500;
  return (event) => {
    if (event.level === 'error') {
      logger.debug({ err: event.error, sql: event.query.sql }, 'query failed');
    } else if (event.queryDurationMillis >= slowMs) {
      logger.warn({ sql: event.query.sql, ms: event.queryDurationMillis }, 'slow query');
    }
  };
}

/**
 * Opens the database named by `database` and brings its schema up to date:
 * a `postgres://` or `postgresql://` URL is PostgreSQL, anything else a SQLite file path
 * (parent folders created; `:memory:` works).
 */
export async function openStore(database: string, options: OpenStoreOptions = {}): Promise<Store> {
  const kit: DialectKit = isPostgresUrl(database) ? postgresKit : sqliteKit;
  const { dialect, checkpointer } =
    kit.name === 'postgres'
      ? { dialect: postgresDialect(database, options.poolSize ?? 10, options.logger) }
      : sqliteDialect(database, {
          create: options.create ?? true,
          checkpointElsewhere: options.checkpointInWorker ?? false,
        });
  const log = queryLog(options);
  const db = new Kysely<Database>(log ? { dialect, log } : { dialect });
  try {
    await runMigrations(db as Kysely<unknown>, kit);
  } catch (error) {
    await db.destroy();
    await checkpointer?.stop();
    throw error;
  }
  const ctx: StoreContext = { db, kit, origin: randomBytes(8).toString('hex') };
  // Opened on the first subscription only: the CLI never holds one.
  const listener: RevisionListener | undefined =
    kit.name === 'postgres' ? revisionListener(database, ctx.origin, options.logger) : undefined;
  return {
    dialect: kit.name,
    async close() {
      await listener?.close();
      await db.destroy();
      await checkpointer?.stop();
    },
    onRevision: (onChange) => listener?.subscribe(onChange) ?? (() => {}),
    async ping() {
      await sql`select 1`.execute(db);
    },
    ...settingsQueries(ctx),
    ...orgQueries(ctx),
    ...userQueries(ctx),
    ...activityQueries(ctx),
    ...keyQueries(ctx),
    ...orgApiKeyQueries(ctx),
    ...usageQueries(ctx),
    ...consoleSessionQueries(ctx),
    ...consoleLinkQueries(ctx),
    ...accessListQueries(ctx),
    ...auditQueries(ctx),
  };
}
