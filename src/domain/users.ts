import type { NewUser, Store } from '../store/store.js';
import { newObjectId } from './ids.js';
import type { GlobalRole, ObjectId, OrgRole, UserRecord, Written } from './records.js';
import { toTimestamp } from './time.js';

export interface UserRequest {
  readonly username: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly emailAddress?: string;
  readonly globalOwner?: boolean;
  readonly org?: { readonly orgId: ObjectId; readonly roleName: OrgRole };
  /** Already hashed (passwords.ts): plain passwords never reach the store. */
  readonly passwordHash?: string;
}

export type CreateUserError =
  | 'invalid-username'
  | 'invalid-profile'
  | 'username-taken'
  | 'org-not-found';

/** The fields of a user anyone may change later (the username may not: HA1 depends on it). */
export interface Profile {
  readonly firstName: string;
  readonly lastName: string;
  readonly emailAddress: string;
}

export const PROFILE_FIELDS = ['firstName', 'lastName', 'emailAddress'] as const;
export const MAX_PROFILE_LENGTH = 256;

/** The profile fields that are too long; empty when the profile is acceptable. */
export function profileProblems(profile: Partial<Profile>): (keyof Profile)[] {
  return PROFILE_FIELDS.filter((name) => (profile[name] ?? '').length > MAX_PROFILE_LENGTH);
}

// Usernames go into HA1 = H(username:realm:key) and into quoted-strings in headers: a colon
// would make HA1 ambiguous, quotes and backslashes are escaped inconsistently by clients,
// and control characters have no business in either.
const FORBIDDEN = /[:"\\\p{Cc}]/u;
export const MAX_USERNAME_LENGTH = 256;

/** The rule `isValidUsername` checks, as a sentence for error messages. */
export const USERNAME_RULE =
  'Usernames are 1-256 characters without :, ", \\, control characters or surrounding spaces.';

export function isValidUsername(username: string): boolean {
  return (
    username.length >= 1 &&
    username.length <= MAX_USERNAME_LENGTH &&
    username.trim() === username &&
    !FORBIDDEN.test(username)
  );
}

export async function createUser(
  store: Store,
  request: UserRequest,
): Promise<Written<UserRecord, CreateUserError>> {
  if (!isValidUsername(request.username)) return { ok: false, error: 'invalid-username' };
  if (profileProblems(request).length > 0) return { ok: false, error: 'invalid-profile' };
  const globalRoles: GlobalRole[] = request.globalOwner ? ['GLOBAL_OWNER'] : [];
  const user: NewUser = {
    id: newObjectId(),
    username: request.username,
    firstName: request.firstName ?? '',
    lastName: request.lastName ?? '',
    emailAddress: request.emailAddress ?? '',
    createdAt: toTimestamp(),
    globalRoles,
    orgRoles: request.org ? [request.org] : [],
    ...(request.passwordHash ? { passwordHash: request.passwordHash } : {}),
  };
  return store.createUser(user);
}

/** Changes the given profile fields and keeps the others. */
export async function updateProfile(
  store: Store,
  userId: ObjectId,
  changes: Partial<Profile>,
): Promise<Written<UserRecord, 'invalid-profile' | 'user-not-found'>> {
  if (profileProblems(changes).length > 0) return { ok: false, error: 'invalid-profile' };
  return store.updateProfile(userId, changes);
}
