import { Type } from '@sinclair/typebox';
import { principalMayListOrgUsers } from '../../domain/access.js';
import type { ApiContext } from '../context.js';
import { unauthorized } from '../errors.js';
import { baseUrl, selfHref } from '../links.js';
import { listPage } from '../pagination.js';
import { ListQuery, ObjectIdString, serializedAs } from '../schemas/common.js';
import { toUserDocument, UserList } from '../schemas/user.js';
import type { Api } from './api.js';

const OrgParams = Type.Object({ orgId: ObjectIdString });

/** `/orgs/{ORG-ID}/users`: the members of an org, for members (and programmatic keys) of that org. */
export function orgRoutes(api: Api, context: ApiContext): void {
  const { store } = context;

  api.get(
    '/orgs/:orgId/users',
    {
      schema: {
        summary: "An organization's users, for its members",
        params: OrgParams,
        querystring: ListQuery,
        response: { 200: serializedAs(UserList) },
      },
    },
    async (request) => {
      const { orgId } = request.params;
      const { principal } = request;
      if (!principal || !principalMayListOrgUsers(principal, orgId)) throw unauthorized();
      // A GLOBAL_OWNER passes the rule for any id; a missing org still answers 401.
      if (!(await store.getOrg(orgId))) throw unauthorized();
      const userBase = `${baseUrl(request, context.publicUrl)}${api.prefix}/users/`;
      return listPage(
        selfHref(request, context.publicUrl),
        request.query,
        (page) => store.listOrgUsers(orgId, page),
        (user) => toUserDocument(user, userBase + user.id),
      );
    },
  );
}
