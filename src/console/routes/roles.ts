import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isObjectId } from '../../domain/ids.js';
import { isOrgRole, type UserRecord, type Written } from '../../domain/records.js';
import type { ConsoleContext } from '../context.js';
import { fields, idParam, seeOther, sendPage, signedInFrame } from '../requests.js';
import { confirmGrantOwnerPage } from '../views/access.js';
import { type NoticeCode, withNotice } from '../views/notices.js';
import { notOnYourself, userNotFound } from './refusals.js';
import { sendUserPage, userOf } from './user-page.js';

/** A user's roles: memberships in orgs, and GLOBAL_OWNER. */
export function roleRoutes(scope: FastifyInstance, context: ConsoleContext): void {
  const { store, users } = context.api;

  // Every change here ends the same way: the user's cached credentials carry their roles.
  const changed = (
    request: FastifyRequest,
    reply: FastifyReply,
    outcome: Written<UserRecord, string>,
    notice: NoticeCode,
  ) => {
    if (!outcome.ok) return userNotFound(context, request, reply);
    users.invalidate(outcome.value.username, outcome.revision);
    return seeOther(reply, withNotice(`/console/users/${outcome.value.id}`, notice));
  };

  scope.post('/users/:userId/memberships', async (request, reply) => {
    const user = await userOf(context, request);
    if (!user) return userNotFound(context, request, reply);
    const form = fields(request.body, ['orgId', 'role']);
    if (!isObjectId(form.orgId) || !isOrgRole(form.role)) {
      return sendUserPage(context, request, reply, user, 400, {
        values: form,
        problems: { orgId: 'Choose an organization and a role.' },
      });
    }
    const updated = await store.setMembership(user.id, form.orgId, form.role);
    if (!updated.ok && updated.error === 'org-not-found') {
      return sendUserPage(context, request, reply, user, 404, {
        values: form,
        problems: { orgId: 'That organization no longer exists.' },
      });
    }
    return changed(request, reply, updated, 'membership-set');
  });

  scope.post('/users/:userId/memberships/:orgId/remove', async (request, reply) => {
    const user = await userOf(context, request);
    const orgId = idParam(request, 'orgId');
    if (!user || !orgId) return userNotFound(context, request, reply);
    // Already out of the org (another tab, the CLI): the page shows how things stand.
    const removed = await store.removeMembership(user.id, orgId);
    if (!removed.ok && removed.error === 'membership-not-found') {
      return seeOther(reply, `/console/users/${user.id}`);
    }
    return changed(request, reply, removed, 'membership-removed');
  });

  scope.get('/users/:userId/global-owner/grant', async (request, reply) => {
    const user = await userOf(context, request);
    if (!user) return userNotFound(context, request, reply);
    if (user.globalRoles.includes('GLOBAL_OWNER'))
      return seeOther(reply, `/console/users/${user.id}`);
    const keys = await store.findKeys(
      user.id,
      { state: 'all', description: '' },
      { offset: 0, limit: 0, includeCount: false },
    );
    return sendPage(
      reply,
      200,
      confirmGrantOwnerPage(signedInFrame(context, request), user, keys.held),
    );
  });

  for (const [action, granted] of [
    ['grant', true],
    ['revoke', false],
  ] as const) {
    scope.post(`/users/:userId/global-owner/${action}`, async (request, reply) => {
      const user = await userOf(context, request);
      if (!user) return userNotFound(context, request, reply);
      // Revoking one's own role would end one's own console access mid-click.
      if (!granted && user.id === request.signedIn?.user.id) {
        return notOnYourself(context, request, reply, 'revoke GLOBAL_OWNER from');
      }
      const updated = await store.setGlobalRole(user.id, 'GLOBAL_OWNER', granted);
      return changed(
        request,
        reply,
        updated,
        granted ? 'global-owner-granted' : 'global-owner-revoked',
      );
    });
  }
}
