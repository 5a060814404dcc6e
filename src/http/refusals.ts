import { passwordProblem } from '../domain/passwords.js';
import {
  PROFILE_PROBLEMS,
  type Profile,
  profileProblems,
  trimmedProfile,
  usernameRefusal,
} from '../domain/users.js';
import { ApiError } from './errors.js';

// The domain's refusals as Atlas errors: the same rules and the same words the console and
// the CLI give, with the attribute named as the validator names a schema failure.

function invalid(name: string, reason: string): ApiError {
  return new ApiError('INVALID_ATTRIBUTE', `Invalid attribute ${name} specified: ${reason}.`, [
    name,
  ]);
}

export function invalidUsername(username: string): ApiError {
  return new ApiError(
    'INVALID_ATTRIBUTE',
    `Invalid attribute username specified. ${usernameRefusal(username)}`,
    ['username'],
  );
}

/** The first profile field the domain refuses, or undefined when it takes them all. */
export function profileRefusal(profile: Partial<Profile>): ApiError | undefined {
  const [first] = Object.entries(profileProblems(trimmedProfile(profile)));
  return first && invalid(first[0], PROFILE_PROBLEMS[first[1]]);
}

/** For a profile the domain refused: which field, and why. */
export function refusedProfile(profile: Partial<Profile>): ApiError {
  return profileRefusal(profile) ?? invalid('profile', 'not accepted');
}

export function passwordRefusal(password: string): ApiError | undefined {
  const problem = passwordProblem(password);
  return problem === undefined ? undefined : invalid('password', problem);
}

export const passwordNotChangeable = (): ApiError =>
  invalid(
    'password',
    'a password is not changed through the API (the console or `keyward users set-password` sets it)',
  );
