import type {
  AccessListEntry,
  AccessOwner,
  AccessUsageDelta,
  NewAccessEntry,
} from '../domain/access-list.js';
import type { AuditChange, AuditEvent, AuditFilter } from '../domain/audit.js';
import type { OrgDeletionBlocker } from '../domain/orgs.js';
import type {
  ApiKeyRecord,
  GlobalRole,
  Ha1Set,
  KeyCredential,
  ObjectId,
  OrgApiKeyRecord,
  OrgRecord,
  OrgRole,
  Outcome,
  Page,
  PageRequest,
  Revision,
  Timestamp,
  UserRecord,
  Written,
} from '../domain/records.js';

/** A new user as the administrator creates it. */
export interface NewUser {
  readonly id: ObjectId;
  readonly username: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly emailAddress: string;
  readonly createdAt: Timestamp;
  readonly globalRoles: readonly GlobalRole[];
  /** Memberships created in the same transaction as the user. */
  readonly orgRoles: readonly { orgId: ObjectId; roleName: OrgRole }[];
  /** A console password hash (src/domain/passwords.ts), if the user gets one. */
  readonly passwordHash?: string;
}

export interface NewApiKey {
  readonly id: ObjectId;
  readonly userId: ObjectId;
  readonly description: string;
  readonly createdAt: Timestamp;
  readonly suffix: string;
  readonly ha1: Ha1Set;
  readonly expiresAt?: Timestamp;
}

/** Usage gathered in memory and written in one batch: add `count`, raise `lastUsed`. */
export interface UsageDelta {
  readonly keyId: ObjectId;
  readonly count: number;
  readonly lastUsed: Timestamp;
  /** Where the latest of these uses came from (client address, User-Agent). */
  readonly lastUsedAddress?: string;
  readonly lastUsedUserAgent?: string;
}

export interface DailyUsage {
  readonly keyId: ObjectId;
  /** UTC day, `YYYY-MM-DD`. */
  readonly day: string;
  readonly count: number;
}

/** A key generated in the console, sealed, waiting to be shown once (src/console/key-reveals.ts). */
export interface SealedReveal {
  readonly sessionHash: string;
  readonly userId: ObjectId;
  readonly keyId: ObjectId;
  /** Ciphertext only the session's cookie can open. */
  readonly sealed: string;
  readonly expiresAt: Timestamp;
}

/** A web console sign-in (src/console/sessions.ts). */
export interface ConsoleSession {
  /** SHA-256 (hex) of the random id in the cookie. */
  readonly idHash: string;
  readonly userId: ObjectId;
  readonly csrfToken: string;
  readonly createdAt: Timestamp;
  readonly expiresAt: Timestamp;
  readonly lastSeenAt: Timestamp;
}

/** Which of a user's keys a list shows: by state, and by a piece of the description. */
export interface KeyFilter {
  readonly state: 'all' | 'enabled' | 'disabled';
  /** Case-insensitive substring; empty matches every key. */
  readonly description: string;
}

export interface KeyPage extends Page<ApiKeyRecord> {
  readonly held: number;
}

/** A user's key count and latest activity: a key used or a console page seen. */
export interface UserActivity {
  readonly userId: ObjectId;
  readonly keyCount: number;
  readonly lastActivity?: Timestamp;
}

/** What a one-time console link lets its holder do: set a first password, or a new one. */
export type ConsoleLinkPurpose = 'invite' | 'reset';

/** A one-time link to set a console password (src/console/links.ts). */
export interface ConsoleLink {
  /** SHA-256 (hex) of the random token in the link. */
  readonly tokenHash: string;
  readonly userId: ObjectId;
  readonly purpose: ConsoleLinkPurpose;
  readonly createdAt: Timestamp;
  readonly expiresAt: Timestamp;
}

/** A key and its requests over a period, for the console's busiest keys. */
export interface BusyKey {
  readonly key: ApiKeyRecord;
  readonly username: string;
  readonly requests: number;
}

export interface UserCredentials {
  readonly user: UserRecord;
  /** Enabled keys only, oldest first. */
  readonly keys: readonly KeyCredential[];
  /** The user's API access list (canonical blocks); empty or absent admits every address. */
  readonly accessList?: readonly string[];
}

/** A new programmatic key of an org, as the domain made it (src/domain/org-api-keys.ts). */
export interface NewOrgApiKey
  extends Pick<
    OrgApiKeyRecord,
    'id' | 'orgId' | 'publicKey' | 'description' | 'roles' | 'createdAt' | 'suffix' | 'expiresAt'
  > {
  readonly ha1: Ha1Set;
}

/** What a PATCH may change of a programmatic key; absent fields stay. */
export interface OrgApiKeyChanges {
  readonly description?: string;
  readonly roles?: readonly OrgRole[];
}

/** A programmatic key as the authenticator needs it: the key, and its one HA1 set. */
export interface OrgApiKeyCredentials {
  readonly apiKey: OrgApiKeyRecord;
  readonly keys: readonly KeyCredential[];
  /** The key's API access list (canonical blocks); empty or absent admits every address. */
  readonly accessList?: readonly string[];
}

/** Whoever a Digest username names: a user, or a programmatic key by its public key. */
export type Credentials = UserCredentials | OrgApiKeyCredentials;

/**
 * The only way into the database. Every method is one transaction; every change to
 * users, memberships, roles or keys bumps the credentials revision in that transaction so
 * other processes (the CLI, other instances) can tell their caches are stale, and returns
 * the revision it produced (`Written`) so this process's cache can tell its own changes apart.
 */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  close(): Promise<void>;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;

  getSetting(name: string): Promise<string | undefined>;
  /** Stores `value` unless a value exists; returns whichever value is stored (race-safe). */
  setSettingIfAbsent(name: string, value: string): Promise<string>;
  setSetting(name: string, value: string): Promise<void>;

  createOrg(org: OrgRecord): Promise<Outcome<OrgRecord, 'name-taken'>>;
  getOrg(id: ObjectId): Promise<OrgRecord | undefined>;
  listOrgs(page: PageRequest): Promise<Page<OrgRecord>>;
  /** The orgs with these ids that exist, in no particular order. */
  getOrgs(ids: readonly ObjectId[]): Promise<readonly OrgRecord[]>;
  /** Deletes the org and every membership in it (the users stay). */
  deleteOrg(id: ObjectId): Promise<Written<void, 'org-not-found'>>;
  /** Gives the org a new name (already checked by src/domain/orgs.ts). */
  renameOrg(
    id: ObjectId,
    name: string,
  ): Promise<Outcome<OrgRecord, 'org-not-found' | 'name-taken'>>;
  /**
   * Deletes the org unless something but the caller's own membership is left in it (the
   * blockers, checked in the same transaction); `callerId` undefined when the caller is no user.
   */
  deleteEmptyOrg(
    id: ObjectId,
    callerId: ObjectId | undefined,
  ): Promise<Written<void, 'org-not-found' | OrgDeletionBlocker>>;

  createUser(user: NewUser): Promise<Written<UserRecord, 'username-taken' | 'org-not-found'>>;
  getUserById(id: ObjectId): Promise<UserRecord | undefined>;
  getUserByUsername(username: string): Promise<UserRecord | undefined>;
  /**
   * Users ordered by id; with `search`, only those whose username, name or email contains
   * it (case-insensitive for ASCII).
   */
  listUsers(page: PageRequest, search?: string): Promise<Page<UserRecord>>;
  /** Users with any role in the org, ordered by id; `search` as in `listUsers`. */
  listOrgUsers(orgId: ObjectId, page: PageRequest, search?: string): Promise<Page<UserRecord>>;
  /** How many keys each of these users holds, and when they were last active; unknown ids are skipped. */
  userActivity(userIds: readonly ObjectId[]): Promise<readonly UserActivity[]>;
  /**
   * Sets (or, with null, removes) a user's console password hash and ends their console
   * sessions; false for no such user.
   */
  setPasswordHash(username: string, hash: string | null): Promise<boolean>;
  getPasswordHash(username: string): Promise<string | undefined>;
  /** True when some GLOBAL_OWNER has a console password (someone can sign in). */
  hasConsoleAccount(): Promise<boolean>;
  /**
   * Deletes the user with their keys, memberships, roles and console sessions. Their keys
   * stop authenticating everywhere within one revision poll.
   */
  deleteUser(id: ObjectId): Promise<Written<void, 'user-not-found'>>;
  /** Adds or replaces the user's role in the org. */
  setMembership(
    userId: ObjectId,
    orgId: ObjectId,
    roleName: OrgRole,
  ): Promise<Written<UserRecord, 'user-not-found' | 'org-not-found'>>;
  /** Sets the given profile fields (first, last name, email), keeping the others. */
  updateProfile(
    userId: ObjectId,
    changes: Partial<Pick<UserRecord, 'firstName' | 'lastName' | 'emailAddress'>>,
  ): Promise<Written<UserRecord, 'user-not-found'>>;
  /** Takes the user out of the org. */
  removeMembership(
    userId: ObjectId,
    orgId: ObjectId,
  ): Promise<Written<UserRecord, 'user-not-found' | 'membership-not-found'>>;
  /** Grants or revokes a global role; either is a no-op when already so. */
  setGlobalRole(
    userId: ObjectId,
    role: GlobalRole,
    granted: boolean,
  ): Promise<Written<UserRecord, 'user-not-found'>>;

  /** Inserts the key unless the user already holds `maxKeysPerUser` keys (checked atomically). */
  createKey(
    key: NewApiKey,
    maxKeysPerUser: number,
  ): Promise<Written<ApiKeyRecord, 'user-not-found' | 'too-many-keys'>>;
  /**
   * Rotation, in one transaction: the old key expires at `oldExpiresAt` (or keeps a sooner
   * expiry) and `key` is inserted under the cap as by createKey.
   */
  rollKey(
    userId: ObjectId,
    oldKeyId: ObjectId,
    oldExpiresAt: Timestamp,
    key: NewApiKey,
    maxKeysPerUser: number,
  ): Promise<
    Written<
      { readonly created: ApiKeyRecord; readonly old: ApiKeyRecord },
      'user-not-found' | 'too-many-keys' | 'key-not-found'
    >
  >;
  /** Inserts many keys in one transaction with no cap; for seeding benchmarks. */
  insertKeys(keys: readonly NewApiKey[]): Promise<Revision>;
  /** A user's keys ordered by creation (id). */
  listKeys(userId: ObjectId, page: PageRequest): Promise<Page<ApiKeyRecord>>;
  /**
   * A user's keys newest first, only those the filter lets through; `total` counts those (when
   * asked for) and `held` every key the user holds.
   */
  findKeys(userId: ObjectId, filter: KeyFilter, page: PageRequest): Promise<KeyPage>;
  getKey(userId: ObjectId, keyId: ObjectId): Promise<ApiKeyRecord | undefined>;
  setKeyEnabled(
    userId: ObjectId,
    keyId: ObjectId,
    enabled: boolean,
  ): Promise<Written<ApiKeyRecord, 'key-not-found'>>;
  /** The cached credentials carry descriptions too, so this bumps the revision as well. */
  setKeyDescription(
    userId: ObjectId,
    keyId: ObjectId,
    description: string,
  ): Promise<Written<ApiKeyRecord, 'key-not-found'>>;
  deleteKey(userId: ObjectId, keyId: ObjectId): Promise<Written<void, 'key-not-found'>>;

  /**
   * Inserts an org's programmatic key; 'public-key-taken' when a key or a user already goes
   * by its public key (users and public keys share the Digest username's namespace).
   */
  createOrgApiKey(
    key: NewOrgApiKey,
  ): Promise<Written<OrgApiKeyRecord, 'org-not-found' | 'public-key-taken'>>;
  /** An org's programmatic keys ordered by id. */
  listOrgApiKeys(orgId: ObjectId, page: PageRequest): Promise<Page<OrgApiKeyRecord>>;
  /** One programmatic key, only if it belongs to that org: every key route looks up here. */
  getOrgApiKey(orgId: ObjectId, keyId: ObjectId): Promise<OrgApiKeyRecord | undefined>;
  updateOrgApiKey(
    orgId: ObjectId,
    keyId: ObjectId,
    changes: OrgApiKeyChanges,
  ): Promise<Written<OrgApiKeyRecord, 'key-not-found'>>;
  /** Returns the deleted key, whose public key the caller's cache must drop. */
  deleteOrgApiKey(
    orgId: ObjectId,
    keyId: ObjectId,
  ): Promise<Written<OrgApiKeyRecord, 'key-not-found'>>;

  /**
   * The hot path's only read, done on a cache miss: the user by that username, or else the
   * programmatic key by that public key. A name that somehow names both (only a race of two
   * PostgreSQL writers could do it) names neither: it must not sign in as the wrong one.
   */
  loadCredentials(username: string): Promise<Credentials | undefined>;
  /** Bumped by every change to users, memberships and keys. */
  credentialsRevision(): Promise<number>;
  /**
   * Calls `onChange` soon after another process commits a change to the credentials revision,
   * and after every (re)connection of the channel, when changes may have been missed; read
   * the revision then. PostgreSQL only (LISTEN/NOTIFY); on SQLite it never calls: poll.
   * Returns the unsubscribe.
   */
  onRevision(onChange: () => void): () => void;

  /**
   * Applies all deltas in one transaction, also adding each to its key's count for the UTC
   * day of `lastUsed` (a delta spans at most one flush interval); deleted keys are dropped.
   */
  applyUsage(deltas: readonly UsageDelta[]): Promise<void>;
  /** Per-day counts of these keys from `fromDay` (inclusive, `YYYY-MM-DD`) on. */
  dailyUsage(keyIds: readonly ObjectId[], fromDay: string): Promise<readonly DailyUsage[]>;
  /** The org members' keys with the most requests since `fromDay`, busiest first. */
  busiestKeys(orgId: ObjectId, fromDay: string, limit: number): Promise<readonly BusyKey[]>;

  /** An owner's access-list entries, oldest first (src/store/access-list.ts). */
  listAccessEntries(owner: AccessOwner, page: PageRequest): Promise<Page<AccessListEntry>>;
  getAccessEntry(owner: AccessOwner, cidrBlock: string): Promise<AccessListEntry | undefined>;
  /** Every canonical block on an owner's list. */
  accessBlocks(owner: AccessOwner): Promise<readonly string[]>;
  /**
   * Adds the entries in one transaction, blocks already listed left as they are; refused
   * whole when the list would then hold more than `maxEntries`.
   */
  addAccessEntries(
    owner: AccessOwner,
    entries: readonly NewAccessEntry[],
    maxEntries: number,
  ): Promise<Written<void, 'too-many-entries'>>;
  deleteAccessEntry(
    owner: AccessOwner,
    cidrBlock: string,
  ): Promise<Written<void, 'entry-not-found'>>;
  /** Adds batched use to entries in one transaction; deleted entries are dropped. */
  applyAccessUsage(deltas: readonly AccessUsageDelta[]): Promise<void>;

  /**
   * Appends an event that goes with no change (a refused sign-in), made by whoever the
   * current audit scope names (src/domain/audit-scope.ts); changes record their own.
   */
  recordAudit(change: AuditChange): Promise<void>;
  /** Audit events newest first. */
  listAudit(filter: AuditFilter, page: PageRequest): Promise<Page<AuditEvent>>;
  /** Deletes events older than `before`; returns how many. */
  pruneAudit(before: Timestamp): Promise<number>;

  createConsoleSession(session: ConsoleSession): Promise<void>;
  findConsoleSession(idHash: string): Promise<ConsoleSession | undefined>;
  deleteConsoleSession(idHash: string): Promise<void>;
  /** Records that the session was used at `at`. */
  touchConsoleSession(idHash: string, at: Timestamp): Promise<void>;
  /** Deletes sessions expired by `now` or unused since `idleSince`; returns how many. */
  deleteExpiredConsoleSessions(now: Timestamp, idleSince: Timestamp): Promise<number>;
  /** Replaces the session's pending reveal, and drops every reveal expired by `now`. */
  putConsoleReveal(reveal: SealedReveal, now: Timestamp): Promise<void>;
  /** Removes and returns the session's pending reveal for this user's page, if any. */
  takeConsoleReveal(sessionHash: string, userId: ObjectId): Promise<SealedReveal | undefined>;

  /**
   * Stores a new link for its user, revoking every earlier link of theirs (whatever its
   * purpose), and drops links expired by `now`. False for no such user.
   */
  createConsoleLink(link: ConsoleLink, now: Timestamp): Promise<boolean>;
  /** The link, if it is unused and unexpired at `now`. */
  findConsoleLink(tokenHash: string, now: Timestamp): Promise<ConsoleLink | undefined>;
  /**
   * Spends the link (one UPDATE, so of concurrent attempts exactly one succeeds) and, in the
   * same transaction, sets its user's console password, ending their sessions. Returns the
   * link spent, or undefined if it was unknown, used, revoked or expired.
   */
  redeemConsoleLink(
    tokenHash: string,
    passwordHash: string,
    now: Timestamp,
  ): Promise<ConsoleLink | undefined>;
}
