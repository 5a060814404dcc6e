import type { ApiContext } from '../context.js';
import { ObjectIdString } from '../schemas/common.js';
import { accessListRoutes } from './access-list.js';
import type { Api } from './api.js';
import { targetUser } from './target-user.js';

/**
 * `/users/{USER-ID}/accessList` (and `/whitelist`): the addresses a user's personal keys
 * may be used from. Edited by the user and by GLOBAL_OWNERs, as the user's keys are.
 */
export function userAccessListRoutes(api: Api, context: ApiContext): void {
  const { store, users } = context;
  accessListRoutes(api, context, {
    path: '/users/:userId',
    params: { userId: ObjectIdString },
    whose: "a user's",
    notFound: 'ACCESS_LIST_ENTRY_NOT_FOUND',
    async resolve(request, params) {
      // (Always present: the route's schema requires it.)
      const user = await targetUser(store, request.principal, params.userId ?? '');
      return {
        owner: { kind: 'user', id: user.id },
        // The caller's own personal key signed this request: the list gates the caller.
        gatesCaller: request.principal?.kind === 'user' && user.id === request.principal.user.id,
        changed: (revision) => users.invalidate(user.username, revision),
      };
    },
  });
}
