import { Type } from '@sinclair/typebox';
import {
  actingUserId,
  mayAdministerOrg,
  mayReadOrg,
  principalMayListOrgUsers,
  visibleOrgs,
} from '../../domain/access.js';
import { ORG_NAME_PROBLEMS, renameOrg } from '../../domain/orgs.js';
import type { OrgRecord } from '../../domain/records.js';
import type { ApiContext } from '../context.js';
import { ApiError, unauthorized } from '../errors.js';
import { baseUrl, selfHref } from '../links.js';
import { listPage, pageOf } from '../pagination.js';
import { ListQuery, ObjectIdString, RenderQuery, serializedAs } from '../schemas/common.js';
import { OrgDocument, OrgList, RenameOrgBody, toOrgDocument } from '../schemas/org.js';
import { toUserDocument, UserList } from '../schemas/user.js';
import type { Api } from './api.js';

const OrgParams = Type.Object({ orgId: ObjectIdString });

/**
 * `/orgs`, `/orgs/{ORG-ID}` and `/orgs/{ORG-ID}/users`: the orgs the caller is in, and their
 * members (orgs and users are read by programmatic keys of the org too). Every refusal, and an org that does not exist, is the same 401.
 */
export function orgRoutes(api: Api, context: ApiContext): void {
  const { store } = context;
  const orgBase = (request: Parameters<typeof baseUrl>[0]) =>
    `${baseUrl(request, context.publicUrl)}${api.prefix}/orgs/`;
  const document = (request: Parameters<typeof baseUrl>[0], org: OrgRecord) =>
    toOrgDocument(org, orgBase(request) + org.id);

  api.get(
    '/orgs',
    {
      schema: {
        summary: 'The organizations the caller is in (every one for a GLOBAL_OWNER)',
        querystring: ListQuery,
        response: { 200: serializedAs(OrgList) },
      },
    },
    async (request) => {
      const { principal } = request;
      if (!principal) throw unauthorized();
      const visible = visibleOrgs(principal);
      const base = orgBase(request);
      return listPage(
        selfHref(request, context.publicUrl),
        request.query,
        async (page) => {
          if (visible === 'all') return store.listOrgs(page);
          // A member's orgs are few (its roles): fetched together, paged here in id order.
          const orgs = [...(await store.getOrgs(visible))].sort((a, b) => a.id.localeCompare(b.id));
          return pageOf(orgs, page);
        },
        (org) => toOrgDocument(org, base + org.id),
      );
    },
  );

  api.get(
    '/orgs/:orgId',
    {
      schema: {
        summary: 'An organization, for its members',
        params: OrgParams,
        querystring: RenderQuery,
        response: { 200: serializedAs(OrgDocument) },
      },
    },
    async (request) => {
      const { orgId } = request.params;
      const { principal } = request;
      if (!principal || !mayReadOrg(principal, orgId)) throw unauthorized();
      const org = await store.getOrg(orgId);
      if (!org) throw unauthorized();
      return document(request, org);
    },
  );

  api.patch(
    '/orgs/:orgId',
    {
      schema: {
        summary: 'Rename an organization (its ORG_OWNERs)',
        params: OrgParams,
        querystring: RenderQuery,
        body: RenameOrgBody,
        response: { 200: serializedAs(OrgDocument) },
      },
    },
    async (request) => {
      const { orgId } = request.params;
      const { principal } = request;
      if (!principal || !mayAdministerOrg(principal, orgId)) throw unauthorized();
      const renamed = await renameOrg(store, orgId, request.body.name);
      if (renamed.ok) return document(request, renamed.value);
      switch (renamed.error) {
        case 'org-not-found':
          throw unauthorized();
        case 'name-taken':
          throw new ApiError(
            'DUPLICATE_ORG_NAME',
            `An organization named ${request.body.name.trim()} already exists.`,
            [request.body.name.trim()],
          );
        default:
          throw new ApiError(
            'INVALID_ATTRIBUTE',
            `Invalid attribute name specified: ${ORG_NAME_PROBLEMS[renamed.error]}.`,
            ['name'],
          );
      }
    },
  );

  api.delete(
    '/orgs/:orgId',
    {
      schema: {
        summary: 'Delete an organization nobody but the caller is in (its ORG_OWNERs)',
        params: OrgParams,
        querystring: RenderQuery,
        response: { 204: Type.Null({ description: 'Deleted; no body' }) },
      },
    },
    async (request, reply) => {
      const { orgId } = request.params;
      const { principal } = request;
      if (!principal || !mayAdministerOrg(principal, orgId)) throw unauthorized();
      const deleted = await store.deleteEmptyOrg(orgId, actingUserId(principal));
      if (!deleted.ok) {
        if (deleted.error === 'org-not-found') throw unauthorized();
        throw deleted.error === 'has-members'
          ? new ApiError(
              'CANNOT_DELETE_ORG_ACTIVE_MEMBERS',
              `Cannot delete organization ${orgId} while it has members other than the caller.`,
              [orgId],
            )
          : new ApiError(
              'CANNOT_DELETE_ORG_ACTIVE_API_KEYS',
              `Cannot delete organization ${orgId} while it has programmatic API keys.`,
              [orgId],
            );
      }
      // The caller's own membership went with the org: its cached roles are stale.
      context.users.invalidateAll(deleted.revision);
      return reply.code(204).send(null);
    },
  );

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
