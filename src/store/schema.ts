import type { Generated, SqlBool } from 'kysely';

// Table types as Kysely sees them. Timestamps are TEXT in the wire format
// (`2018-05-14T14:45:22Z`) in both dialects: they sort lexically and need no conversion.
// Booleans are `boolean` in PostgreSQL and 0/1 in SQLite; see `dialect.ts`.

export interface SettingsTable {
  name: string;
  value: string;
}

export interface OrgsTable {
  id: string;
  name: string;
  created_at: string;
}

export interface UsersTable {
  id: string;
  username: string;
  first_name: string;
  last_name: string;
  email_address: string;
  created_at: string;
  /** For the web console (scrypt); null until a password is set. */
  password_hash: string | null;
  /** How many keys the user holds; maintained with every key insert and delete. */
  key_count: Generated<number>;
}

export interface OrgMembershipsTable {
  user_id: string;
  org_id: string;
  role_name: string;
}

export interface GlobalRolesTable {
  user_id: string;
  role_name: string;
}

export interface ApiKeysTable {
  id: string;
  user_id: string;
  description: string;
  enabled: SqlBool;
  created_at: string;
  last_used: string | null;
  used_count: Generated<number>;
  suffix: string;
  ha1_md5: string;
  ha1_sha256: string;
  ha1_sha512_256: string;
  expires_at: string | null;
  last_used_address: string | null;
  last_used_user_agent: string | null;
}

/** Successful authentications per key and UTC day (`2026-11-24`). */
export interface KeyUsageDailyTable {
  key_id: string;
  day: string;
  count: number;
}

/** Web console sign-ins; `id_hash` is the SHA-256 (hex) of the cookie's random id. */
export interface ConsoleSessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
}

export interface ConsoleRevealsTable {
  session_hash: string;
  user_id: string;
  key_id: string;
  sealed: string;
  expires_at: string;
}

/** One-time password links; `token_hash` is the SHA-256 (hex) of the link's token. */
export interface ConsoleLinksTable {
  token_hash: string;
  user_id: string;
  purpose: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/**
 * An org's programmatic API keys: a personal key's columns, owned by an org instead of a user,
 * with a public key (their Digest username) and no enabled flag.
 */
export interface OrgApiKeysTable extends Omit<ApiKeysTable, 'user_id' | 'enabled'> {
  org_id: string;
  public_key: string;
}

/** A programmatic key's roles, all in the key's own org. */
export interface OrgApiKeyRolesTable {
  key_id: string;
  role_name: string;
}

/** One row (id = 1): bumped with every change to users, memberships, roles and keys. */
/**
 * API access-list entries of any owner ('user' or 'apiKey'): no foreign key, since the owner
 * is one of two tables; deleting an owner deletes its entries in the same transaction.
 */
export interface AccessListEntriesTable {
  owner_kind: string;
  owner_id: string;
  /** Canonical (src/domain/access-list.ts), so one address is one row. */
  cidr_block: string;
  comment: string | null;
  created_at: string;
  used_count: Generated<number>;
  last_used: string | null;
  last_used_address: string | null;
}

/** The audit trail, append-only (src/store/audit.ts); never a secret in any column. */
export interface AuditEventsTable {
  id: string;
  created_at: string;
  actor_kind: string;
  /** The acting user, or null for any other actor. */
  actor_user_id: string | null;
  /** Username, programmatic public key or OS user. */
  actor_name: string | null;
  /** The personal or programmatic key that signed the request. */
  actor_key_id: string | null;
  channel: string;
  address: string | null;
  user_agent: string | null;
  action: string;
  target_user_id: string | null;
  target_org_id: string | null;
  target_key_id: string | null;
  target_detail: string | null;
  outcome: string;
}

export interface CredentialsRevisionTable {
  id: number;
  revision: number;
}

export interface Database {
  settings: SettingsTable;
  orgs: OrgsTable;
  users: UsersTable;
  org_memberships: OrgMembershipsTable;
  global_roles: GlobalRolesTable;
  api_keys: ApiKeysTable;
  credentials_revision: CredentialsRevisionTable;
  key_usage_daily: KeyUsageDailyTable;
  console_sessions: ConsoleSessionsTable;
  console_reveals: ConsoleRevealsTable;
  console_links: ConsoleLinksTable;
  org_api_keys: OrgApiKeysTable;
  org_api_key_roles: OrgApiKeyRolesTable;
  access_list_entries: AccessListEntriesTable;
  audit_events: AuditEventsTable;
}
