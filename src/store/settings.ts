import type { Kysely } from 'kysely';
import type { Revision } from '../domain/records.js';
import type { StoreContext } from './context.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';

type SettingsQueries = Pick<
  Store,
  'getSetting' | 'setSettingIfAbsent' | 'setSetting' | 'credentialsRevision'
>;

/**
 * Called inside every transaction that changes users, memberships, roles or keys (through
 * `revisedWrite`). The row lock serialises writers, so each committed write gets its own value.
 * The announcement reaches other processes when, and only if, the transaction commits.
 */
export async function bumpRevision(
  trx: Kysely<Database>,
  { kit, origin }: StoreContext,
): Promise<Revision> {
  const row = await trx
    .updateTable('credentials_revision')
    .set((eb) => ({ revision: eb('revision', '+', 1) }))
    .where('id', '=', 1)
    .returning('revision')
    .executeTakeFirstOrThrow();
  const revision = Number(row.revision) as Revision;
  await kit.announceRevision(trx, `${revision} ${origin}`);
  return revision;
}

export function settingsQueries({ db }: StoreContext): SettingsQueries {
  async function getSetting(name: string): Promise<string | undefined> {
    const row = await db
      .selectFrom('settings')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.value;
  }

  return {
    getSetting,

    // Two instances starting together both try to insert; the loser's insert does
    // nothing and both then read the winner's value.
    async setSettingIfAbsent(name, value) {
      await db
        .insertInto('settings')
        .values({ name, value })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const stored = await getSetting(name);
      if (stored === undefined) throw new Error(`setting ${name} vanished after insert`);
      return stored;
    },

    async setSetting(name, value) {
      await db
        .insertInto('settings')
        .values({ name, value })
        .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
        .execute();
    },

    async credentialsRevision() {
      const row = await db
        .selectFrom('credentials_revision')
        .select('revision')
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      return Number(row.revision);
    },
  };
}
