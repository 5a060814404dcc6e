import type { Selectable } from 'kysely';
import { appendAudit } from './audit-rows.js';
import type { StoreContext } from './context.js';
import type { ConsoleLinksTable } from './schema.js';
import type { ConsoleLink, Store } from './store.js';

type LinkQueries = Pick<Store, 'createConsoleLink' | 'findConsoleLink' | 'redeemConsoleLink'>;

function toLink(row: Selectable<ConsoleLinksTable>): ConsoleLink {
  return {
    tokenHash: row.token_hash,
    userId: row.user_id,
    purpose: row.purpose === 'reset' ? 'reset' : 'invite',
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

// Links are not credentials of the Digest API: no change here bumps the revision.
export function consoleLinkQueries({ db, kit }: StoreContext): LinkQueries {
  return {
    createConsoleLink(link, now) {
      return kit.write(db, async (trx) => {
        const user = await trx
          .selectFrom('users')
          .select('id')
          .where('id', '=', link.userId)
          .executeTakeFirst();
        if (!user) return false;
        // One live link per user: a new invitation or reset revokes whatever was sent before.
        await trx
          .deleteFrom('console_links')
          .where((eb) => eb.or([eb('user_id', '=', link.userId), eb('expires_at', '<=', now)]))
          .execute();
        await trx
          .insertInto('console_links')
          .values({
            token_hash: link.tokenHash,
            user_id: link.userId,
            purpose: link.purpose,
            created_at: link.createdAt,
            expires_at: link.expiresAt,
            used_at: null,
          })
          .execute();
        const action = link.purpose === 'invite' ? 'invitation.create' : 'passwordReset.create';
        await appendAudit(trx, { action, targets: { userId: link.userId } });
        return true;
      });
    },

    async findConsoleLink(tokenHash, now) {
      const row = await db
        .selectFrom('console_links')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row && toLink(row);
    },

    redeemConsoleLink(tokenHash, passwordHash, now) {
      return kit.write(db, async (trx) => {
        // The one statement that decides: of two concurrent redemptions, one changes the row.
        const spent = await trx
          .updateTable('console_links')
          .set({ used_at: now })
          .where('token_hash', '=', tokenHash)
          .where('used_at', 'is', null)
          .where('expires_at', '>', now)
          .returningAll()
          .executeTakeFirst();
        if (!spent) return undefined;
        await trx
          .updateTable('users')
          .set({ password_hash: passwordHash })
          .where('id', '=', spent.user_id)
          .execute();
        // As any password change: the account is signed out everywhere.
        await trx.deleteFrom('console_sessions').where('user_id', '=', spent.user_id).execute();
        await appendAudit(trx, {
          action: 'link.redeem',
          targets: { userId: spent.user_id, detail: spent.purpose },
        });
        return toLink(spent);
      });
    },
  };
}
