import { type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import type { AuditAction, AuditChange } from '../domain/audit.js';
import { sooner } from '../domain/expiry.js';
import type { ApiKeyRecord, Written } from '../domain/records.js';
import { accessBlocksOf } from './access-list.js';
import { contains, paged, Rollback, revisedWrite, type StoreContext, toCount } from './context.js';
import { loadOrgApiKeyCredentials } from './org-api-keys.js';
import type { ApiKeysTable, Database } from './schema.js';
import { bumpRevision } from './settings.js';
import type { NewApiKey, Store } from './store.js';
import { findUser } from './users.js';

type KeyQueries = Pick<
  Store,
  | 'createKey'
  | 'rollKey'
  | 'insertKeys'
  | 'listKeys'
  | 'findKeys'
  | 'getKey'
  | 'setKeyEnabled'
  | 'setKeyDescription'
  | 'deleteKey'
  | 'loadCredentials'
>;

/** Rows per INSERT: 9 columns × 1000 rows stays under both dialects' bound-parameter limits. */
const INSERT_CHUNK = 1000;

export const KEY_COLUMNS = [
  'id',
  'user_id',
  'description',
  'enabled',
  'created_at',
  'last_used',
  'used_count',
  'suffix',
  'expires_at',
  'last_used_address',
  'last_used_user_agent',
] as const;

type KeyRow = Pick<Selectable<ApiKeysTable>, (typeof KEY_COLUMNS)[number]>;

export function toKey(row: KeyRow): ApiKeyRecord {
  return {
    id: row.id,
    userId: row.user_id,
    description: row.description,
    enabled: Boolean(row.enabled),
    createdAt: row.created_at,
    ...(row.last_used === null ? {} : { lastUsed: row.last_used }),
    usedCount: Number(row.used_count),
    suffix: row.suffix,
    ...(row.expires_at === null ? {} : { expiresAt: row.expires_at }),
    ...(row.last_used_address === null ? {} : { lastUsedAddress: row.last_used_address }),
    ...(row.last_used_user_agent === null ? {} : { lastUsedUserAgent: row.last_used_user_agent }),
  };
}

const keyChange = (action: AuditAction, userId: string, keyId: string): AuditChange => ({
  action,
  targets: { userId, keyId },
});

export function keyQueries(ctx: StoreContext): KeyQueries {
  const { db, kit } = ctx;

  // One key's changed columns, in a write that bumps the revision (caches hold keys whole).
  const updateKey = (
    userId: string,
    keyId: string,
    changes: Updateable<ApiKeysTable>,
    action: AuditAction,
  ): Promise<Written<ApiKeyRecord, 'key-not-found'>> =>
    revisedWrite(
      ctx,
      async (trx) => {
        const row = await trx
          .updateTable('api_keys')
          .set(changes)
          .where('id', '=', keyId)
          .where('user_id', '=', userId)
          .returning(KEY_COLUMNS)
          .executeTakeFirst();
        if (!row) throw new Rollback('key-not-found');
        return toKey(row);
      },
      () => keyChange(action, userId, keyId),
    );

  const toRow = (key: NewApiKey) => ({
    id: key.id,
    user_id: key.userId,
    description: key.description,
    enabled: kit.bool(true),
    created_at: key.createdAt,
    suffix: key.suffix,
    expires_at: key.expiresAt ?? null,
    ha1_md5: key.ha1.MD5,
    ha1_sha256: key.ha1['SHA-256'],
    ha1_sha512_256: key.ha1['SHA-512-256'],
  });

  // Claim a slot under the cap in one statement: the conditional increment locks the
  // user row (PostgreSQL) inside SQLite's already exclusive write transaction, so
  // concurrent creates cannot pass the cap. Only a refusal needs a second look.
  const insertUnderCap = async (
    trx: Kysely<Database>,
    key: NewApiKey,
    maxKeysPerUser: number,
  ): Promise<ApiKeyRecord> => {
    const claimed = await trx
      .updateTable('users')
      .set((eb) => ({ key_count: eb('key_count', '+', 1) }))
      .where('id', '=', key.userId)
      .where('key_count', '<', maxKeysPerUser)
      .executeTakeFirst();
    if (claimed.numUpdatedRows === 0n) {
      const user = await findUser(trx, 'id', key.userId);
      throw new Rollback(user ? 'too-many-keys' : 'user-not-found');
    }
    await trx.insertInto('api_keys').values(toRow(key)).execute();
    return {
      id: key.id,
      userId: key.userId,
      description: key.description,
      enabled: true,
      createdAt: key.createdAt,
      usedCount: 0,
      suffix: key.suffix,
      ...(key.expiresAt === undefined ? {} : { expiresAt: key.expiresAt }),
    };
  };

  return {
    createKey: (key, maxKeysPerUser) =>
      revisedWrite(
        ctx,
        (trx) => insertUnderCap(trx, key, maxKeysPerUser),
        () => keyChange('key.create', key.userId, key.id),
      ),

    rollKey(userId, oldKeyId, oldExpiresAt, key, maxKeysPerUser) {
      return revisedWrite(
        ctx,
        async (trx) => {
          const old = await trx
            .selectFrom('api_keys')
            .select('expires_at')
            .where('id', '=', oldKeyId)
            .where('user_id', '=', userId)
            .executeTakeFirst();
          if (!old) throw new Rollback('key-not-found');
          const row = await trx
            .updateTable('api_keys')
            .set({ expires_at: sooner(oldExpiresAt, old.expires_at ?? undefined) })
            .where('id', '=', oldKeyId)
            .returning(KEY_COLUMNS)
            .executeTakeFirstOrThrow();
          return { created: await insertUnderCap(trx, key, maxKeysPerUser), old: toKey(row) };
        },
        () => ({
          action: 'key.roll',
          // The old key's id is the target; the new one's, its own column has no room for.
          targets: { userId, keyId: oldKeyId, detail: `new key ${key.id}` },
        }),
      );
    },

    insertKeys(keys) {
      return kit.write(db, async (trx) => {
        for (let i = 0; i < keys.length; i += INSERT_CHUNK) {
          await trx
            .insertInto('api_keys')
            .values(keys.slice(i, i + INSERT_CHUNK).map(toRow))
            .execute();
        }
        const perUser = new Map<string, number>();
        for (const key of keys) perUser.set(key.userId, (perUser.get(key.userId) ?? 0) + 1);
        for (const [userId, added] of perUser) await addToKeyCount(trx, userId, added);
        return bumpRevision(trx, ctx);
      });
    },

    listKeys(userId, page) {
      return paged(
        page,
        async () =>
          (
            await db
              .selectFrom('api_keys')
              .select(KEY_COLUMNS)
              .where('user_id', '=', userId)
              .orderBy('id')
              .limit(page.limit)
              .offset(page.offset)
              .execute()
          ).map(toKey),
        async () =>
          toCount(
            await db
              .selectFrom('users')
              .select('key_count as n')
              .where('id', '=', userId)
              .executeTakeFirst(),
          ),
      );
    },

    async findKeys(userId, filter, page) {
      // Bounded by the per-user cap, and walked along the (user_id, id) index.
      const chosen = () => {
        let query = db.selectFrom('api_keys').where('user_id', '=', userId);
        if (filter.state !== 'all') {
          query = query.where('enabled', '=', kit.bool(filter.state === 'enabled'));
        }
        if (filter.description !== '') {
          query = query.where(contains(sql.ref('description'), filter.description));
        }
        return query;
      };
      const [found, held] = await Promise.all([
        paged(
          page,
          async () =>
            (
              await chosen()
                .select(KEY_COLUMNS)
                .orderBy('id', 'desc')
                .limit(page.limit)
                .offset(page.offset)
                .execute()
            ).map(toKey),
          async () =>
            toCount(
              await chosen()
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirst(),
            ),
        ),
        db.selectFrom('users').select('key_count as n').where('id', '=', userId).executeTakeFirst(),
      ]);
      return { ...found, held: toCount(held) };
    },

    async getKey(userId, keyId) {
      const row = await db
        .selectFrom('api_keys')
        .select(KEY_COLUMNS)
        .where('id', '=', keyId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row && toKey(row);
    },

    setKeyEnabled: (userId, keyId, enabled) =>
      updateKey(
        userId,
        keyId,
        { enabled: kit.bool(enabled) },
        enabled ? 'key.enable' : 'key.disable',
      ),

    setKeyDescription: (userId, keyId, description) =>
      updateKey(userId, keyId, { description }, 'key.describe'),

    deleteKey(userId, keyId) {
      return revisedWrite(
        ctx,
        async (trx) => {
          const result = await trx
            .deleteFrom('api_keys')
            .where('id', '=', keyId)
            .where('user_id', '=', userId)
            .executeTakeFirst();
          if (result.numDeletedRows === 0n) throw new Rollback('key-not-found');
          await addToKeyCount(trx, userId, -1);
        },
        () => keyChange('key.delete', userId, keyId),
      );
    },

    // The hot path's read on a cache miss: the user (with roles) and its enabled keys, or
    // the programmatic key going by that name. Both are always looked up, so the work done
    // does not tell which kind of name exists.
    async loadCredentials(username) {
      const [user, apiKey] = await Promise.all([
        findUser(db, 'username', username),
        loadOrgApiKeyCredentials(db, username),
      ]);
      if (user && apiKey) return undefined;
      if (apiKey) return apiKey;
      if (!user) return undefined;
      const rows = await db
        .selectFrom('api_keys')
        .select(['id', 'ha1_md5', 'ha1_sha256', 'ha1_sha512_256', 'expires_at'])
        .where('user_id', '=', user.id)
        .where('enabled', '=', kit.bool(true))
        .orderBy('id')
        .execute();
      return {
        user,
        accessList: await accessBlocksOf(db, { kind: 'user', id: user.id }),
        keys: rows.map((row) => ({
          keyId: row.id,
          ha1: { MD5: row.ha1_md5, 'SHA-256': row.ha1_sha256, 'SHA-512-256': row.ha1_sha512_256 },
          ...(row.expires_at === null ? {} : { expiresAtMs: Date.parse(row.expires_at) }),
        })),
      };
    },
  };
}

function addToKeyCount(trx: Kysely<Database>, userId: string, delta: number) {
  return trx
    .updateTable('users')
    .set((eb) => ({ key_count: eb('key_count', '+', delta) }))
    .where('id', '=', userId)
    .execute();
}
