import type { Selectable } from 'kysely';
import { appendAudit } from './audit-rows.js';
import type { StoreContext } from './context.js';
import type { ConsoleRevealsTable, ConsoleSessionsTable } from './schema.js';
import type { ConsoleSession, SealedReveal, Store } from './store.js';

type SessionQueries = Pick<
  Store,
  | 'createConsoleSession'
  | 'findConsoleSession'
  | 'deleteConsoleSession'
  | 'touchConsoleSession'
  | 'deleteExpiredConsoleSessions'
  | 'putConsoleReveal'
  | 'takeConsoleReveal'
>;

function toSession(row: Selectable<ConsoleSessionsTable>): ConsoleSession {
  return {
    idHash: row.id_hash,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastSeenAt: row.last_seen_at,
  };
}

function toReveal(row: Selectable<ConsoleRevealsTable>): SealedReveal {
  return {
    sessionHash: row.session_hash,
    userId: row.user_id,
    keyId: row.key_id,
    sealed: row.sealed,
    expiresAt: row.expires_at,
  };
}

// Sessions are not credentials of the Digest API: no change here bumps the revision.
export function consoleSessionQueries({ db, kit }: StoreContext): SessionQueries {
  return {
    createConsoleSession(session) {
      return kit.write(db, async (trx) => {
        await trx
          .insertInto('console_sessions')
          .values({
            id_hash: session.idHash,
            user_id: session.userId,
            csrf_token: session.csrfToken,
            created_at: session.createdAt,
            expires_at: session.expiresAt,
            last_seen_at: session.lastSeenAt,
          })
          .execute();
        await appendAudit(trx, { action: 'console.signIn', targets: { userId: session.userId } });
      });
    },

    async findConsoleSession(idHash) {
      const row = await db
        .selectFrom('console_sessions')
        .selectAll()
        .where('id_hash', '=', idHash)
        .executeTakeFirst();
      return row && toSession(row);
    },

    deleteConsoleSession(idHash) {
      return kit.write(db, async (trx) => {
        const ended = await trx
          .deleteFrom('console_sessions')
          .where('id_hash', '=', idHash)
          .returning('user_id')
          .executeTakeFirst();
        // Signing out of a session already gone (expired, or another tab) changes nothing.
        if (!ended) return;
        await appendAudit(trx, { action: 'console.signOut', targets: { userId: ended.user_id } });
      });
    },

    async touchConsoleSession(idHash, at) {
      await db
        .updateTable('console_sessions')
        .set({ last_seen_at: at })
        .where('id_hash', '=', idHash)
        .execute();
    },

    async deleteExpiredConsoleSessions(now, idleSince) {
      const result = await db
        .deleteFrom('console_sessions')
        .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleSince)]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    putConsoleReveal(reveal, now) {
      return kit.write(db, async (trx) => {
        await trx.deleteFrom('console_reveals').where('expires_at', '<=', now).execute();
        const row = {
          user_id: reveal.userId,
          key_id: reveal.keyId,
          sealed: reveal.sealed,
          expires_at: reveal.expiresAt,
        };
        await trx
          .insertInto('console_reveals')
          .values({ session_hash: reveal.sessionHash, ...row })
          .onConflict((oc) => oc.column('session_hash').doUpdateSet(row))
          .execute();
      });
    },

    async takeConsoleReveal(sessionHash, userId) {
      // Nearly every user-page view finds nothing pending: a read answers that, not a write.
      const pending = await db
        .selectFrom('console_reveals')
        .select('session_hash')
        .where('session_hash', '=', sessionHash)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!pending) return undefined;
      // One statement takes it, so two page views racing for it cannot both get it.
      const row = await db
        .deleteFrom('console_reveals')
        .where('session_hash', '=', sessionHash)
        .where('user_id', '=', userId)
        .returningAll()
        .executeTakeFirst();
      return row && toReveal(row);
    },
  };
}
