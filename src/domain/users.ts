import type { NewUser, Store } from '../store/store.js';
import { isEmailAddress } from './email.js';
import { newObjectId } from './ids.js';
import type {
  GlobalRole,
  ObjectId,
  OrgMembership,
  OrgRole,
  UserRecord,
  Written,
} from './records.js';
import { toTimestamp } from './time.js';

export interface UserRequest {
  readonly username: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly emailAddress?: string;
  readonly globalOwner?: boolean;
  readonly org?: { readonly orgId: ObjectId; readonly roleName: OrgRole };
  /** Roles in several orgs at once (the API's create-user); added to `org`. */
  readonly orgRoles?: readonly OrgMembership[];
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

export type ProfileProblem = 'too-long' | 'not-an-email';

export const PROFILE_PROBLEMS: Record<ProfileProblem, string> = {
  'too-long': `at most ${MAX_PROFILE_LENGTH} characters`,
  'not-an-email': 'not an email address (expected e.g. name@example.com)',
};

/**
 * The given fields without surrounding spaces: the console and the CLI both store profiles
 * through createUser/updateProfile, which trim here before anything is checked.
 */
export function trimmedProfile<T extends Partial<Profile>>(profile: T): T {
  const trimmed: Partial<Record<keyof Profile, string>> = {};
  for (const name of PROFILE_FIELDS) {
    const value = profile[name];
    if (value !== undefined) trimmed[name] = value.trim();
  }
  return { ...profile, ...trimmed };
}

/** What is wrong with each field of a (trimmed) profile; empty when it is acceptable. */
export function profileProblems(
  profile: Partial<Profile>,
): Partial<Record<keyof Profile, ProfileProblem>> {
  const problems: Partial<Record<keyof Profile, ProfileProblem>> = {};
  for (const name of PROFILE_FIELDS) {
    if ((profile[name] ?? '').length > MAX_PROFILE_LENGTH) problems[name] = 'too-long';
  }
  const email = profile.emailAddress ?? '';
  if (!problems.emailAddress && email !== '' && !isEmailAddress(email)) {
    problems.emailAddress = 'not-an-email';
  }
  return problems;
}

// Usernames go into HA1 = H(username:realm:key) and into quoted-strings in headers: a colon
// would make HA1 ambiguous, quotes and backslashes are escaped inconsistently by clients,
// and control characters have no business in either.
const FORBIDDEN = /[:"\\\p{Cc}]/u;
export const MAX_USERNAME_LENGTH = 256;

/** The rule `isValidUsername` checks, as a sentence for error messages. */
export const USERNAME_RULE =
  'Usernames are 1-256 characters without :, ", \\, control characters or surrounding spaces.';

/** Why `username` is refused, as a sentence: blank names get their own, plainer one. */
export function usernameRefusal(username: string): string {
  return username.trim() === '' ? 'The username must not be blank.' : USERNAME_RULE;
}

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
  const profile = trimmedProfile(request);
  if (Object.keys(profileProblems(profile)).length > 0) {
    return { ok: false, error: 'invalid-profile' };
  }
  const globalRoles: GlobalRole[] = request.globalOwner ? ['GLOBAL_OWNER'] : [];
  const user: NewUser = {
    id: newObjectId(),
    username: request.username,
    firstName: profile.firstName ?? '',
    lastName: profile.lastName ?? '',
    emailAddress: profile.emailAddress ?? '',
    createdAt: toTimestamp(),
    globalRoles,
    orgRoles: [...(request.org ? [request.org] : []), ...(request.orgRoles ?? [])],
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
  const profile = trimmedProfile(changes);
  if (Object.keys(profileProblems(profile)).length > 0) {
    return { ok: false, error: 'invalid-profile' };
  }
  return store.updateProfile(userId, profile);
}
