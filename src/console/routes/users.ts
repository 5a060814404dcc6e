import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isObjectId } from '../../domain/ids.js';
import { hashPassword, passwordProblem } from '../../domain/passwords.js';
import { isOrgRole } from '../../domain/records.js';
import {
  createUser,
  MAX_PROFILE_LENGTH,
  PROFILE_FIELDS,
  type Profile,
  profileProblems,
  USERNAME_RULE,
  updateProfile,
} from '../../domain/users.js';
import type { ConsoleContext } from '../context.js';
import { fields, pageNum, seeOther, sendPage, signedInFrame, text } from '../requests.js';
import type { FormState } from '../views/forms.js';
import { withNotice } from '../views/notices.js';
import { confirmDeleteUserPage } from '../views/user.js';
import { usersPage } from '../views/users.js';
import { issueLinkFor } from './links.js';
import { notOnYourself, userNotFound } from './refusals.js';
import { orgOptions, sendUserPage, userOf } from './user-page.js';

const USERS_PER_PAGE = 50;
const MAX_SEARCH_LENGTH = 256;

const CREATE_FIELDS = [
  'username',
  'firstName',
  'lastName',
  'emailAddress',
  'orgId',
  'role',
  'globalOwner',
  'password',
] as const;

/** Each profile field that is too long, with what to do about it. */
function tooLong(profile: Profile): Record<string, string> {
  return Object.fromEntries(
    profileProblems(profile).map((name) => [name, `At most ${MAX_PROFILE_LENGTH} characters.`]),
  );
}

export function userRoutes(scope: FastifyInstance, context: ConsoleContext): void {
  const { store, users } = context.api;

  const listPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    form: FormState = {},
  ) => {
    const search = text(request.query, 'q').trim().slice(0, MAX_SEARCH_LENGTH);
    const n = pageNum(request);
    const [page, orgs] = await Promise.all([
      store.listUsers(
        { offset: (n - 1) * USERS_PER_PAGE, limit: USERS_PER_PAGE, includeCount: true },
        search,
      ),
      orgOptions(store),
    ]);
    const query = search ? `q=${encodeURIComponent(search)}&` : '';
    return sendPage(
      reply,
      status,
      usersPage(signedInFrame(context, request), {
        users: page.items,
        search,
        ...orgs,
        pager: {
          pageNum: n,
          itemsPerPage: USERS_PER_PAGE,
          total: page.total ?? 0,
          href: (p) => `/console/users?${query}pageNum=${p}`,
        },
        ...form,
      }),
    );
  };

  scope.get('/users', (request, reply) => listPage(request, reply, 200));

  scope.post('/users', async (request, reply) => {
    const form = fields(request.body, CREATE_FIELDS);
    const problems: Record<string, string> = tooLong(form);
    if (form.orgId !== '' && !isObjectId(form.orgId)) problems.orgId = 'Choose an organization.';
    const role = form.role === '' ? 'ORG_MEMBER' : form.role;
    if (!isOrgRole(role)) problems.role = 'Choose a role.';
    const weak = form.password === '' ? undefined : passwordProblem(form.password);
    if (weak) problems.password = `Not accepted: ${weak}.`;

    if (Object.keys(problems).length === 0 && isOrgRole(role)) {
      const created = await createUser(store, {
        username: form.username,
        firstName: form.firstName.trim(),
        lastName: form.lastName.trim(),
        emailAddress: form.emailAddress.trim(),
        globalOwner: form.globalOwner === 'on',
        ...(form.password ? { passwordHash: await hashPassword(form.password) } : {}),
        ...(form.orgId ? { org: { orgId: form.orgId, roleName: role } } : {}),
      });
      if (created.ok) {
        users.invalidate(created.value.username, created.revision);
        const path = `/console/users/${created.value.id}`;
        // Without a password, the new user gets in by an invitation, never by a handed-over
        // secret: their page shows the link once, at the top.
        if (!form.password && (await issueLinkFor(context, request, created.value))) {
          return seeOther(reply, withNotice(path, 'user-created'));
        }
        return seeOther(reply, withNotice(path, 'user-created-with-password'));
      }
      if (created.error === 'username-taken') problems.username = 'That username is taken.';
      else if (created.error === 'org-not-found')
        problems.orgId = 'That organization no longer exists.';
      else problems.username = USERNAME_RULE;
    }
    const { password: _never, ...values } = form;
    const status = problems.username === 'That username is taken.' ? 409 : 400;
    return listPage(request, reply, status, {
      values,
      problems: { ...problems, form: 'The user was not created; see below.' },
    });
  });

  scope.get('/users/:userId', async (request, reply) => {
    const user = await userOf(context, request);
    if (!user) return userNotFound(context, request, reply);
    return sendUserPage(context, request, reply, user);
  });

  scope.post('/users/:userId/profile', async (request, reply) => {
    const user = await userOf(context, request);
    if (!user) return userNotFound(context, request, reply);
    const profile = fields(request.body, PROFILE_FIELDS);
    const trimmed = {
      firstName: profile.firstName.trim(),
      lastName: profile.lastName.trim(),
      emailAddress: profile.emailAddress.trim(),
    };
    const updated = await updateProfile(store, user.id, trimmed);
    if (!updated.ok) {
      if (updated.error === 'user-not-found') return userNotFound(context, request, reply);
      return sendUserPage(context, request, reply, user, 400, {
        values: profile,
        problems: tooLong(profile),
      });
    }
    users.invalidate(user.username, updated.revision);
    return seeOther(reply, withNotice(`/console/users/${user.id}`, 'profile-saved'));
  });

  scope.post('/users/:userId/password', async (request, reply) => {
    const user = await userOf(context, request);
    if (!user) return userNotFound(context, request, reply);
    const password = text(request.body, 'password');
    const weak = passwordProblem(password);
    if (weak) {
      return sendUserPage(context, request, reply, user, 400, {
        problems: { password: `Not accepted: ${weak}.` },
      });
    }
    await store.setPasswordHash(user.username, await hashPassword(password));
    // Setting a password ends that user's sessions, this one included when it is their own.
    if (user.id === request.signedIn?.user.id) {
      return seeOther(reply, withNotice('/console/sign-in', 'password-changed'));
    }
    return seeOther(reply, withNotice(`/console/users/${user.id}`, 'password-set'));
  });

  // An administrator cannot delete themselves: the console would lose the one person using it.
  const deletable = async (request: FastifyRequest, reply: FastifyReply) => {
    const user = await userOf(context, request);
    if (!user) return { refused: userNotFound(context, request, reply) };
    if (user.id !== request.signedIn?.user.id) return { user };
    return { refused: notOnYourself(context, request, reply, 'delete') };
  };

  scope.get('/users/:userId/delete', async (request, reply) => {
    const { user, refused } = await deletable(request, reply);
    if (!user) return refused;
    const keys = await store.listKeys(user.id, { offset: 0, limit: 1, includeCount: true });
    return sendPage(
      reply,
      200,
      confirmDeleteUserPage(signedInFrame(context, request), user, keys.total ?? 0),
    );
  });

  scope.post('/users/:userId/delete', async (request, reply) => {
    const { user, refused } = await deletable(request, reply);
    if (!user) return refused;
    const deleted = await store.deleteUser(user.id);
    if (!deleted.ok) return userNotFound(context, request, reply);
    users.invalidate(user.username, deleted.revision);
    return seeOther(reply, withNotice('/console/users', 'user-deleted'));
  });
}
