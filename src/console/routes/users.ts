import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isObjectId } from '../../domain/ids.js';
import { hashPassword, passwordProblem } from '../../domain/passwords.js';
import { isOrgRole } from '../../domain/records.js';
import {
  createUser,
  PROFILE_FIELDS,
  PROFILE_PROBLEMS,
  type Profile,
  profileProblems,
  trimmedProfile,
  updateProfile,
  usernameRefusal,
} from '../../domain/users.js';
import type { ConsoleContext } from '../context.js';
import { fields, pageNum, seeOther, sendPage, signedInFrame, text } from '../requests.js';
import { sentence } from '../views/format.js';
import type { FormState } from '../views/forms.js';
import { withNotice } from '../views/notices.js';
import { confirmDeleteUserPage } from '../views/user.js';
import { usersPage } from '../views/users.js';
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

/** Each profile field the domain would refuse, with what is wrong with it. */
function profileRefusals(profile: Profile): Record<string, string> {
  return Object.fromEntries(
    Object.entries(profileProblems(trimmedProfile(profile))).map(([name, problem]) => [
      name,
      sentence(PROFILE_PROBLEMS[problem]),
    ]),
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
    const [activity, memberOf] = await Promise.all([
      store.userActivity(page.items.map((u) => u.id)),
      store.getOrgs(page.items.flatMap((u) => u.orgRoles.map((m) => m.orgId))),
    ]);
    const query = search ? `q=${encodeURIComponent(search)}&` : '';
    return sendPage(
      reply,
      status,
      usersPage(signedInFrame(context, request), {
        users: page.items,
        activity: new Map(activity.map((a) => [a.userId, a])),
        orgNames: new Map(memberOf.map((org) => [org.id, org.name])),
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
    else if (form.password !== '' && form.globalOwner !== 'on') {
      problems.password = 'Only a GLOBAL_OWNER signs in to the console: tick GLOBAL_OWNER, or leave this empty.';
    }

    if (Object.keys(problems).length === 0 && isOrgRole(role)) {
      const created = await createUser(store, {
        username: form.username,
        firstName: form.firstName,
        lastName: form.lastName,
        emailAddress: form.emailAddress,
        globalOwner: form.globalOwner === 'on',
        ...(form.password ? { passwordHash: await hashPassword(form.password) } : {}),
        ...(form.orgId ? { org: { orgId: form.orgId, roleName: role } } : {}),
      });
      if (created.ok) {
        users.invalidate(created.value.username, created.revision);
        return seeOther(reply, withNotice(`/console/users/${created.value.id}`, 'user-created'));
      }
      if (created.error === 'username-taken') problems.username = 'That username is taken.';
      else if (created.error === 'org-not-found')
        problems.orgId = 'That organization no longer exists.';
      else problems.username = usernameRefusal(form.username);
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
    const updated = await updateProfile(store, user.id, profile);
    if (!updated.ok) {
      if (updated.error === 'user-not-found') return userNotFound(context, request, reply);
      return sendUserPage(context, request, reply, user, 400, {
        values: profile,
        problems: profileRefusals(profile),
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
