import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hashPassword, passwordProblem } from '../../domain/passwords.js';
import { PROFILE_FIELDS, updateProfile } from '../../domain/users.js';
import type { ConsoleContext } from '../context.js';
import {
  fields,
  pageNum,
  searchParam,
  seeOther,
  sendPage,
  signedInFrame,
  text,
} from '../requests.js';
import type { FormState } from '../views/forms.js';
import { withNotice } from '../views/notices.js';
import { confirmDeleteUserPage } from '../views/user.js';
import { usersPage } from '../views/users.js';
import {
  CREATE_FIELDS,
  createFromForm,
  landingAfterCreate,
  profileRefusals,
} from './create-user.js';
import { notOnYourself, userNotFound } from './refusals.js';
import { orgOptions, sendUserPage, userOf } from './user-page.js';

const USERS_PER_PAGE = 50;

export function userRoutes(scope: FastifyInstance, context: ConsoleContext): void {
  const { store, users } = context.api;

  const listPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    form: FormState = {},
  ) => {
    const search = searchParam(request);
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
    const created = await createFromForm(context, form);
    if (created.ok) {
      return seeOther(
        reply,
        await landingAfterCreate(context, request, created.user, form.password),
      );
    }
    return listPage(request, reply, created.status, created.form);
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
