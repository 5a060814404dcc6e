import type { Selectable } from 'kysely';
import type { StoreContext } from './context.js';
import type { ConsoleSessionsTable } from './schema.js';
import type { ConsoleSession, Store } from './store.js';

type SessionQueries = Pick<
  Store,
  | 'createConsoleSession'
  | 'findConsoleSession'
  | 'deleteConsoleSession'
  | 'deleteExpiredConsoleSessions'
>;

function toSession(row: Selectable<ConsoleSessionsTable>): ConsoleSession {
  return {
    idHash: row.id_hash,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

// Sessions are not credentials of the Digest API: no change here bumps the revision.
export function consoleSessionQueries({ db }: StoreContext): SessionQueries {
  return {
    async createConsoleSession(session) {
      await db
        .insertInto('console_sessions')
        .values({
          id_hash: session.idHash,
          user_id: session.userId,
          csrf_token: session.csrfToken,
          created_at: session.createdAt,
          expires_at: session.expiresAt,
        })
        .execute();
    },

    async findConsoleSession(idHash) {
      const row = await db
        .selectFrom('console_sessions')
        .selectAll()
        .where('id_hash', '=', idHash)
        .executeTakeFirst();
      return row && toSession(row);
    },

    async deleteConsoleSession(idHash) {
      await db.deleteFrom('console_sessions').where('id_hash', '=', idHash).execute();
    },

    async deleteExpiredConsoleSessions(now) {
      const result = await db
        .deleteFrom('console_sessions')
        .where('expires_at', '<=', now)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
