import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UserRecord } from '../../domain/records.js';
import type { ConsoleContext } from '../context.js';
import { seeOther, sendPage, signedInFrame } from '../requests.js';
import type { FormState } from '../views/forms.js';
import { withNotice } from '../views/notices.js';
import { userAccessListPage } from '../views/user-access-list.js';
import {
  addAccessEntry,
  type ConsoleAccessOwner,
  loadAccessList,
  removeAccessEntry,
} from './access-entries.js';
import { keyOwners } from './key-owners.js';

/**
 * A user's API access list, which gates their personal keys: edited by whoever manages
 * those keys (`keyOwners`: the user, or a GLOBAL_OWNER), the API's rule for the same list.
 */
export function userAccessListRoutes(scope: FastifyInstance, context: ConsoleContext): void {
  const { users } = context.api;
  const { userOf, userPath, userNotFound } = keyOwners(context);

  const listOf = (user: UserRecord): ConsoleAccessOwner => {
    const page = `/console/users/${user.id}/access-list`;
    return {
      owner: { kind: 'user', id: user.id },
      action: page,
      page,
      // The list is cached with the user's credentials, under their username.
      changed: (revision) => users.invalidate(user.username, revision),
    };
  };

  const sendListPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    user: UserRecord,
    status = 200,
    form: FormState = {},
  ) => {
    const accessList = await loadAccessList(context, request, listOf(user), form);
    const view = { user, keysPage: userPath(request, user), accessList };
    return sendPage(reply, status, userAccessListPage(signedInFrame(context, request), view));
  };

  scope.get('/users/:userId/access-list', async (request, reply) => {
    const user = await userOf(request);
    if (!user) return userNotFound(request, reply);
    return sendListPage(request, reply, user);
  });

  scope.post('/users/:userId/access-list', async (request, reply) => {
    const user = await userOf(request);
    if (!user) return userNotFound(request, reply);
    const added = await addAccessEntry(context, request, listOf(user));
    if (!added.ok) return sendListPage(request, reply, user, 400, added.form);
    return seeOther(reply, withNotice(listOf(user).page, 'access-entry-added'));
  });

  scope.post('/users/:userId/access-list/remove', async (request, reply) => {
    const user = await userOf(request);
    if (!user) return userNotFound(request, reply);
    const removed = await removeAccessEntry(context, request, listOf(user));
    const back = listOf(user).page;
    return seeOther(reply, removed ? withNotice(back, 'access-entry-removed') : back);
  });
}
