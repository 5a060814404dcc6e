import type { Kysely, Selectable } from 'kysely';
import type { AuditAction, AuditChange } from '../domain/audit.js';
import { expiryMs } from '../domain/expiry.js';
import type { ObjectId, OrgApiKeyRecord, OrgRole } from '../domain/records.js';
import { accessBlocksOf, deleteAccessEntriesOf } from './access-list.js';
import { paged, Rollback, revisedWrite, type StoreContext, toCount } from './context.js';
import type { Database, OrgApiKeysTable } from './schema.js';
import type { OrgApiKeyCredentials, Store } from './store.js';

type OrgApiKeyQueries = Pick<
  Store,
  'createOrgApiKey' | 'listOrgApiKeys' | 'getOrgApiKey' | 'updateOrgApiKey' | 'deleteOrgApiKey'
>;

const COLUMNS = [
  'id',
  'org_id',
  'public_key',
  'description',
  'created_at',
  'last_used',
  'used_count',
  'suffix',
  'expires_at',
] as const;

type Row = Pick<Selectable<OrgApiKeysTable>, (typeof COLUMNS)[number]>;

/** Rows to records, with the roles of all of them read in one query. */
async function withRoles(db: Kysely<Database>, rows: readonly Row[]): Promise<OrgApiKeyRecord[]> {
  const roles = new Map<ObjectId, OrgRole[]>(rows.map((row) => [row.id, []]));
  if (rows.length > 0) {
    const found = await db
      .selectFrom('org_api_key_roles')
      .select(['key_id', 'role_name'])
      .where('key_id', 'in', [...roles.keys()])
      .execute();
    for (const role of found) roles.get(role.key_id)?.push(role.role_name as OrgRole);
  }
  return rows.map((row) => ({
    id: row.id,
    orgId: row.org_id,
    publicKey: row.public_key,
    description: row.description,
    roles: (roles.get(row.id) ?? []).sort(),
    createdAt: row.created_at,
    ...(row.last_used === null ? {} : { lastUsed: row.last_used }),
    usedCount: Number(row.used_count),
    suffix: row.suffix,
    ...(row.expires_at === null ? {} : { expiresAt: row.expires_at }),
  }));
}

/** The one lookup of a key by (org, id): routes, and anything keyed by an org's key, use it. */
async function findOrgApiKey(
  db: Kysely<Database>,
  orgId: ObjectId,
  keyId: ObjectId,
): Promise<OrgApiKeyRecord | undefined> {
  const row = await db
    .selectFrom('org_api_keys')
    .select(COLUMNS)
    .where('id', '=', keyId)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return row && (await withRoles(db, [row]))[0];
}

function insertRoles(trx: Kysely<Database>, keyId: ObjectId, roles: readonly OrgRole[]) {
  return trx
    .insertInto('org_api_key_roles')
    .values([...new Set(roles)].map((role) => ({ key_id: keyId, role_name: role })))
    .execute();
}

/**
 * The programmatic key whose public key is `publicKey`, as the authenticator needs it; its
 * half of `loadCredentials` (src/store/keys.ts).
 */
export async function loadOrgApiKeyCredentials(
  db: Kysely<Database>,
  publicKey: string,
): Promise<OrgApiKeyCredentials | undefined> {
  const row = await db
    .selectFrom('org_api_keys')
    .select([...COLUMNS, 'ha1_md5', 'ha1_sha256', 'ha1_sha512_256'])
    .where('public_key', '=', publicKey)
    .executeTakeFirst();
  if (!row) return undefined;
  const [apiKey] = await withRoles(db, [row]);
  if (!apiKey) return undefined;
  const ha1 = { MD5: row.ha1_md5, 'SHA-256': row.ha1_sha256, 'SHA-512-256': row.ha1_sha512_256 };
  const accessList = await accessBlocksOf(db, { kind: 'apiKey', id: apiKey.id });
  const expiresAtMs = expiryMs(apiKey.expiresAt);
  const key = { keyId: row.id, ha1, ...(expiresAtMs === undefined ? {} : { expiresAtMs }) };
  return { apiKey, keys: [key], accessList };
}

/** Whether a user goes by `name`: public keys must not (see Store.createOrgApiKey). */
export async function usernameExists(db: Kysely<Database>, name: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('username', '=', name)
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether a programmatic key goes by `name`: usernames must not (src/store/users.ts). */
export async function publicKeyExists(db: Kysely<Database>, name: string): Promise<boolean> {
  const row = await db
    .selectFrom('org_api_keys')
    .select('id')
    .where('public_key', '=', name)
    .executeTakeFirst();
  return row !== undefined;
}

// The public key names the key in the trail as its id does not: a Digest username's reader
// knows it. The roles show what an update granted.
const apiKeyChange =
  (action: AuditAction) =>
  (key: OrgApiKeyRecord): AuditChange => ({
    action,
    targets: { orgId: key.orgId, keyId: key.id, detail: `${key.publicKey} ${key.roles.join(',')}` },
  });

export function orgApiKeyQueries(ctx: StoreContext): OrgApiKeyQueries {
  const { db, kit } = ctx;

  // Every change bumps the revision: the caches hold programmatic keys whole, roles included.
  return {
    createOrgApiKey(key) {
      return revisedWrite(
        ctx,
        async (trx) => {
          const org = await trx
            .selectFrom('orgs')
            .select('id')
            .where('id', '=', key.orgId)
            .executeTakeFirst();
          if (!org) throw new Rollback('org-not-found');
          if (await usernameExists(trx, key.publicKey)) throw new Rollback('public-key-taken');
          try {
            await trx
              .insertInto('org_api_keys')
              .values({
                id: key.id,
                org_id: key.orgId,
                public_key: key.publicKey,
                description: key.description,
                created_at: key.createdAt,
                suffix: key.suffix,
                ha1_md5: key.ha1.MD5,
                ha1_sha256: key.ha1['SHA-256'],
                ha1_sha512_256: key.ha1['SHA-512-256'],
                expires_at: key.expiresAt ?? null,
              })
              .execute();
          } catch (error) {
            if (kit.isUniqueViolation(error)) throw new Rollback('public-key-taken');
            throw error;
          }
          await insertRoles(trx, key.id, key.roles);
          return updatedKey(trx, key.orgId, key.id);
        },
        apiKeyChange('apiKey.create'),
      );
    },

    listOrgApiKeys(orgId, page) {
      const ofOrg = () => db.selectFrom('org_api_keys').where('org_id', '=', orgId);
      return paged(
        page,
        async () =>
          withRoles(
            db,
            await ofOrg()
              .select(COLUMNS)
              .orderBy('id')
              .limit(page.limit)
              .offset(page.offset)
              .execute(),
          ),
        async () =>
          toCount(
            await ofOrg()
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirst(),
          ),
      );
    },

    getOrgApiKey: (orgId, keyId) => findOrgApiKey(db, orgId, keyId),

    updateOrgApiKey(orgId, keyId, changes) {
      return revisedWrite(
        ctx,
        async (trx) => {
          if (!(await findOrgApiKey(trx, orgId, keyId))) throw new Rollback('key-not-found');
          if (changes.description !== undefined) {
            await trx
              .updateTable('org_api_keys')
              .set({ description: changes.description })
              .where('id', '=', keyId)
              .execute();
          }
          if (changes.roles !== undefined) {
            await trx.deleteFrom('org_api_key_roles').where('key_id', '=', keyId).execute();
            await insertRoles(trx, keyId, changes.roles);
          }
          return updatedKey(trx, orgId, keyId);
        },
        apiKeyChange('apiKey.update'),
      );
    },

    deleteOrgApiKey(orgId, keyId) {
      return revisedWrite(
        ctx,
        async (trx) => {
          const key = await findOrgApiKey(trx, orgId, keyId);
          if (!key) throw new Rollback('key-not-found');
          // Its roles cascade; its access list is no foreign key's (the table is owner-generic).
          await deleteAccessEntriesOf(trx, { kind: 'apiKey', id: keyId });
          await trx.deleteFrom('org_api_keys').where('id', '=', keyId).execute();
          return key;
        },
        apiKeyChange('apiKey.delete'),
      );
    },
  };
}

/** The key as a write inside `trx` left it; it must exist. */
async function updatedKey(
  trx: Kysely<Database>,
  orgId: ObjectId,
  keyId: ObjectId,
): Promise<OrgApiKeyRecord> {
  const key = await findOrgApiKey(trx, orgId, keyId);
  if (!key) throw new Error(`API key ${keyId} vanished inside its own transaction`);
  return key;
}
