import type { FastifyRequest } from 'fastify';
import { isObjectId } from '../../domain/ids.js';
import { hashPassword, passwordProblem } from '../../domain/passwords.js';
import { isOrgRole, type UserRecord } from '../../domain/records.js';
import {
  createUser,
  PROFILE_PROBLEMS,
  type Profile,
  profileProblems,
  trimmedProfile,
  usernameRefusal,
} from '../../domain/users.js';
import type { ConsoleContext } from '../context.js';
import { sentence } from '../views/format.js';
import type { FormState } from '../views/forms.js';
import { withNotice } from '../views/notices.js';
import { issueLinkFor } from './links.js';

export const CREATE_FIELDS = [
  'username',
  'firstName',
  'lastName',
  'emailAddress',
  'orgId',
  'role',
  'globalOwner',
  'password',
] as const;

export type CreateForm = Record<(typeof CREATE_FIELDS)[number], string>;

/** Each profile field the domain would refuse, with what is wrong with it. */
export function profileRefusals(profile: Profile): Record<string, string> {
  return Object.fromEntries(
    Object.entries(profileProblems(trimmedProfile(profile))).map(([name, problem]) => [
      name,
      sentence(PROFILE_PROBLEMS[problem]),
    ]),
  );
}

const TAKEN = 'That username is taken.';

export type Created =
  | { readonly ok: true; readonly user: UserRecord }
  | { readonly ok: false; readonly status: 400 | 409; readonly form: FormState };

/**
 * A user from the console's form (the users list's, or an org page's with the org fixed),
 * or what was wrong with it: the values to send back (never the password) and each problem.
 */
export async function createFromForm(context: ConsoleContext, form: CreateForm): Promise<Created> {
  const problems: Record<string, string> = profileRefusals(form);
  if (form.orgId !== '' && !isObjectId(form.orgId)) problems.orgId = 'Choose an organization.';
  const role = form.role === '' ? 'ORG_MEMBER' : form.role;
  if (!isOrgRole(role)) problems.role = 'Choose a role.';
  // A role means nothing without its org: refused, as the CLI refuses --role without --org.
  else if (form.role !== '' && form.orgId === '') {
    problems.role = 'A role needs an organization: choose one, or no role.';
  }
  const weak = form.password === '' ? undefined : passwordProblem(form.password);
  if (weak) problems.password = `Not accepted: ${weak}.`;

  if (Object.keys(problems).length === 0 && isOrgRole(role)) {
    const created = await createUser(context.api.store, {
      username: form.username,
      firstName: form.firstName,
      lastName: form.lastName,
      emailAddress: form.emailAddress,
      globalOwner: form.globalOwner === 'on',
      ...(form.password ? { passwordHash: await hashPassword(form.password) } : {}),
      ...(form.orgId ? { org: { orgId: form.orgId, roleName: role } } : {}),
    });
    if (created.ok) {
      context.api.users.invalidate(created.value.username, created.revision);
      return { ok: true, user: created.value };
    }
    if (created.error === 'username-taken') problems.username = TAKEN;
    else if (created.error === 'org-not-found')
      problems.orgId = 'That organization no longer exists.';
    else problems.username = usernameRefusal(form.username);
  }
  const { password: _never, ...values } = form;
  return {
    ok: false,
    status: problems.username === TAKEN ? 409 : 400,
    form: { values, problems: { ...problems, form: 'The user was not created; see below.' } },
  };
}

/**
 * Where the creator of a user goes next: the user's page. Without a password the user gets
 * in by an invitation, never by a handed-over secret: the page shows its link once, at the top.
 */
export async function landingAfterCreate(
  context: ConsoleContext,
  request: FastifyRequest,
  user: UserRecord,
  password = '',
): Promise<string> {
  const path = `/console/users/${user.id}`;
  if (password === '' && (await issueLinkFor(context, request, user))) {
    return withNotice(path, 'user-created');
  }
  return withNotice(path, 'user-created-with-password');
}
