import { type ExpressionBuilder, type Kysely, type Selectable, sql } from 'kysely';
import type { AuditAction, AuditChange } from '../domain/audit.js';
import type {
  GlobalRole,
  ObjectId,
  OrgMembership,
  OrgRole,
  UserRecord,
} from '../domain/records.js';
import { deleteAccessEntriesOf } from './access-list.js';
import { appendAudit } from './audit-rows.js';
import { contains, paged, Rollback, revisedWrite, type StoreContext, toCount } from './context.js';
import { publicKeyExists } from './org-api-keys.js';
import type { Database, UsersTable } from './schema.js';
import type { Store } from './store.js';

type UserQueries = Pick<
  Store,
  | 'createUser'
  | 'getUserById'
  | 'getUserByUsername'
  | 'listUsers'
  | 'listOrgUsers'
  | 'setMembership'
  | 'setPasswordHash'
  | 'getPasswordHash'
  | 'hasConsoleAccount'
  | 'deleteUser'
  | 'removeMembership'
  | 'updateProfile'
  | 'setGlobalRole'
>;

// The profile columns; key_count is the key queries' business.
type UserRow = Omit<Selectable<UsersTable>, 'key_count'>;

interface Roles {
  orgRoles: OrgMembership[];
  globalRoles: GlobalRole[];
}

/**
 * Org and global roles of many users in ONE query (a UNION ALL), so a page of users
 * costs three queries however long it is. `org_id` is null for global roles.
 */
async function loadRoles(db: Kysely<Database>, userIds: readonly ObjectId[]) {
  const roles = new Map<ObjectId, Roles>(
    userIds.map((id) => [id, { orgRoles: [], globalRoles: [] }]),
  );
  if (userIds.length === 0) return roles;
  const rows = await db
    .selectFrom('org_memberships')
    .select((eb) => [
      'user_id',
      eb.ref('org_id').$castTo<string | null>().as('org_id'),
      'role_name',
    ])
    .where('user_id', 'in', userIds)
    .unionAll(
      db
        .selectFrom('global_roles')
        .select(['user_id', sql<string | null>`null`.as('org_id'), 'role_name'])
        .where('user_id', 'in', userIds),
    )
    .execute();
  // Sorted here, not in SQL: ORDER BY over a UNION differs between the dialects.
  rows.sort(
    (a, b) =>
      (a.org_id ?? '').localeCompare(b.org_id ?? '') || a.role_name.localeCompare(b.role_name),
  );
  for (const row of rows) {
    const entry = roles.get(row.user_id);
    if (!entry) continue;
    if (row.org_id === null) entry.globalRoles.push(row.role_name as GlobalRole);
    else entry.orgRoles.push({ orgId: row.org_id, roleName: row.role_name as OrgRole });
  }
  return roles;
}

function toUser(row: UserRow, roles: Roles | undefined): UserRecord {
  return {
    id: row.id,
    username: row.username,
    firstName: row.first_name,
    lastName: row.last_name,
    emailAddress: row.email_address,
    createdAt: row.created_at,
    orgRoles: roles?.orgRoles ?? [],
    globalRoles: roles?.globalRoles ?? [],
  };
}

/** Rows to records, with their roles loaded in one query. */
export async function withRoles(
  db: Kysely<Database>,
  rows: readonly UserRow[],
): Promise<UserRecord[]> {
  const roles = await loadRoles(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((row) => toUser(row, roles.get(row.id)));
}

const USER_COLUMNS = [
  'users.id',
  'users.username',
  'users.first_name',
  'users.last_name',
  'users.email_address',
  'users.created_at',
  'users.password_hash',
] as const;

export async function findUser(
  db: Kysely<Database>,
  by: 'id' | 'username',
  value: string,
): Promise<UserRecord | undefined> {
  const row = await db
    .selectFrom('users')
    .select(USER_COLUMNS)
    .where(by, '=', value)
    .executeTakeFirst();
  return row && (await withRoles(db, [row]))[0];
}

/**
 * Users whose username, email or full name ("Donald Knuth": first and last name with one
 * space between, so either alone matches too) contains `search`, case-insensitively.
 */
function matching(search: string | undefined) {
  return (eb: ExpressionBuilder<Database, 'users'>) => {
    if (!search) return eb.lit(true);
    return eb.or([
      contains(sql.ref('users.username'), search),
      contains(sql.ref('users.email_address'), search),
      contains(sql`${sql.ref('users.first_name')} || ' ' || ${sql.ref('users.last_name')}`, search),
    ]);
  };
}

// Which fields or role changed is worth the trail's reader; their values (an email) are not.
const userChange =
  (action: AuditAction, detail: string) =>
  (user: UserRecord): AuditChange => ({ action, targets: { userId: user.id, detail } });

export function userQueries(ctx: StoreContext): UserQueries {
  const { db, kit } = ctx;
  return {
    createUser(user) {
      // Later entries win, so a repeated org cannot trip the membership primary key.
      const memberships = new Map(user.orgRoles.map((m) => [m.orgId, m.roleName]));
      const globalRoles = [...new Set(user.globalRoles)];
      return revisedWrite(
        ctx,
        async (trx) => {
          // A username and a programmatic key's public key share the Digest username's namespace.
          if (await publicKeyExists(trx, user.username)) throw new Rollback('username-taken');
          try {
            await trx
              .insertInto('users')
              .values({
                id: user.id,
                username: user.username,
                first_name: user.firstName,
                last_name: user.lastName,
                email_address: user.emailAddress,
                created_at: user.createdAt,
                password_hash: user.passwordHash ?? null,
              })
              .execute();
          } catch (error) {
            if (kit.isUniqueViolation(error)) throw new Rollback('username-taken');
            throw error;
          }
          if (memberships.size > 0) {
            const found = await trx
              .selectFrom('orgs')
              .select('id')
              .where('id', 'in', [...memberships.keys()])
              .execute();
            if (found.length !== memberships.size) throw new Rollback('org-not-found');
            await trx
              .insertInto('org_memberships')
              .values(
                [...memberships].map(([orgId, role]) => ({
                  user_id: user.id,
                  org_id: orgId,
                  role_name: role,
                })),
              )
              .execute();
          }
          if (globalRoles.length > 0) {
            await trx
              .insertInto('global_roles')
              .values(globalRoles.map((role) => ({ user_id: user.id, role_name: role })))
              .execute();
          }
          return updatedUser(trx, user.id);
        },
        userChange('user.create', user.username),
      );
    },

    async setPasswordHash(username, hash) {
      return ctx.kit.write(db, async (trx) => {
        const user = await trx
          .updateTable('users')
          .set({ password_hash: hash })
          .where('username', '=', username)
          .returning('id')
          .executeTakeFirst();
        if (!user) return false;
        // A changed or removed password signs the account out everywhere.
        await trx.deleteFrom('console_sessions').where('user_id', '=', user.id).execute();
        const action = hash === null ? 'password.clear' : 'password.set';
        await appendAudit(trx, { action, targets: { userId: user.id } });
        return true;
      });
    },

    deleteUser(id) {
      return revisedWrite(
        ctx,
        async (trx) => {
          // Memberships, roles, keys (and their daily usage) and console sessions cascade.
          const deleted = await trx
            .deleteFrom('users')
            .where('id', '=', id)
            .returning('id')
            .executeTakeFirst();
          if (!deleted) throw new Rollback('user-not-found');
          // The access list has no foreign key to cascade along (its owner may be a key).
          await deleteAccessEntriesOf(trx, { kind: 'user', id });
        },
        () => ({ action: 'user.delete', targets: { userId: id } }),
      );
    },

    async getPasswordHash(username) {
      const row = await db
        .selectFrom('users')
        .select('password_hash')
        .where('username', '=', username)
        .executeTakeFirst();
      return row?.password_hash ?? undefined;
    },

    async hasConsoleAccount() {
      const row = await db
        .selectFrom('users')
        .innerJoin('global_roles as g', 'g.user_id', 'users.id')
        .select('users.id')
        .where('g.role_name', '=', 'GLOBAL_OWNER')
        .where('users.password_hash', 'is not', null)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    getUserById: (id) => findUser(db, 'id', id),
    getUserByUsername: (username) => findUser(db, 'username', username),

    listUsers(page, search) {
      return paged(
        page,
        async () =>
          withRoles(
            db,
            await db
              .selectFrom('users')
              .select(USER_COLUMNS)
              .where(matching(search))
              .orderBy('id')
              .limit(page.limit)
              .offset(page.offset)
              .execute(),
          ),
        async () =>
          toCount(
            await db
              .selectFrom('users')
              .select((eb) => eb.fn.countAll().as('n'))
              .where(matching(search))
              .executeTakeFirst(),
          ),
      );
    },

    listOrgUsers(orgId, page, search) {
      const members = () =>
        db
          .selectFrom('users')
          .innerJoin('org_memberships as m', 'm.user_id', 'users.id')
          .where('m.org_id', '=', orgId)
          .where(matching(search));
      return paged(
        page,
        async () =>
          withRoles(
            db,
            await members()
              .select(USER_COLUMNS)
              .orderBy('users.id')
              .limit(page.limit)
              .offset(page.offset)
              .execute(),
          ),
        async () =>
          toCount(
            await members()
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirst(),
          ),
      );
    },

    setMembership(userId, orgId, roleName) {
      return revisedWrite(
        ctx,
        async (trx) => {
          const user = await trx
            .selectFrom('users')
            .select('id')
            .where('id', '=', userId)
            .executeTakeFirst();
          if (!user) throw new Rollback('user-not-found');
          const org = await trx
            .selectFrom('orgs')
            .select('id')
            .where('id', '=', orgId)
            .executeTakeFirst();
          if (!org) throw new Rollback('org-not-found');
          await trx
            .insertInto('org_memberships')
            .values({ user_id: userId, org_id: orgId, role_name: roleName })
            .onConflict((oc) =>
              oc.columns(['user_id', 'org_id']).doUpdateSet({ role_name: roleName }),
            )
            .execute();
          return updatedUser(trx, userId);
        },
        () => ({ action: 'membership.set', targets: { userId, orgId, detail: roleName } }),
      );
    },

    updateProfile(userId, changes) {
      return revisedWrite(
        ctx,
        async (trx) => {
          const columns = {
            ...(changes.firstName === undefined ? {} : { first_name: changes.firstName }),
            ...(changes.lastName === undefined ? {} : { last_name: changes.lastName }),
            ...(changes.emailAddress === undefined ? {} : { email_address: changes.emailAddress }),
          };
          if (!(await findUser(trx, 'id', userId))) throw new Rollback('user-not-found');
          if (Object.keys(columns).length > 0) {
            await trx.updateTable('users').set(columns).where('id', '=', userId).execute();
          }
          return updatedUser(trx, userId);
        },
        userChange('user.update', Object.keys(changes).join(',')),
      );
    },

    removeMembership(userId, orgId) {
      return revisedWrite(
        ctx,
        async (trx) => {
          const removed = await trx
            .deleteFrom('org_memberships')
            .where('user_id', '=', userId)
            .where('org_id', '=', orgId)
            .executeTakeFirst();
          if (Number(removed.numDeletedRows) === 0) {
            const exists = await findUser(trx, 'id', userId);
            throw new Rollback(exists ? 'membership-not-found' : 'user-not-found');
          }
          return updatedUser(trx, userId);
        },
        () => ({ action: 'membership.remove', targets: { userId, orgId } }),
      );
    },

    setGlobalRole(userId, role, granted) {
      return revisedWrite(
        ctx,
        async (trx) => {
          if (!(await findUser(trx, 'id', userId))) throw new Rollback('user-not-found');
          if (granted) {
            await trx
              .insertInto('global_roles')
              .values({ user_id: userId, role_name: role })
              .onConflict((oc) => oc.columns(['user_id', 'role_name']).doNothing())
              .execute();
          } else {
            await trx
              .deleteFrom('global_roles')
              .where('user_id', '=', userId)
              .where('role_name', '=', role)
              .execute();
          }
          return updatedUser(trx, userId);
        },
        userChange(granted ? 'globalRole.grant' : 'globalRole.revoke', role),
      );
    },
  };
}

/** The user as a write inside `trx` left them; they must exist. */
async function updatedUser(trx: Kysely<Database>, userId: ObjectId): Promise<UserRecord> {
  const updated = await findUser(trx, 'id', userId);
  if (!updated) throw new Error(`user ${userId} vanished inside its own transaction`);
  return updated;
}
