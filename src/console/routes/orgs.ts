import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createOrg, ORG_NAME_PROBLEMS } from '../../domain/orgs.js';
import { isOrgRole, type OrgRecord } from '../../domain/records.js';
import type { ConsoleContext } from '../context.js';
import {
  fields,
  idParam,
  pageNum,
  pageOfList,
  searchParam,
  seeOther,
  sendPage,
  signedInFrame,
} from '../requests.js';
import { lastDays } from '../usage-chart.js';
import { sentence } from '../views/format.js';
import type { FormState } from '../views/forms.js';
import { withNotice } from '../views/notices.js';
import { confirmDeleteOrgPage, newOrgUserPage, orgPage, orgsPage } from '../views/orgs.js';
import { CREATE_FIELDS, createFromForm, landingAfterCreate } from './create-user.js';
import { notFound } from './refusals.js';

const ORGS_PER_PAGE = 100;
const MEMBERS_PER_PAGE = 50;
const BUSIEST_SHOWN = 10;

export function orgRoutes(scope: FastifyInstance, context: ConsoleContext): void {
  const { store } = context.api;

  const listPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    form: FormState = {},
  ) => {
    const { items, pager } = await pageOfList(
      request,
      ORGS_PER_PAGE,
      (page) => store.listOrgs(page),
      (p) => `/console/orgs?pageNum=${p}`,
    );
    return sendPage(
      reply,
      status,
      orgsPage(signedInFrame(context, request), { orgs: items, pager, ...form }),
    );
  };

  scope.get('/orgs', (request, reply) => listPage(request, reply, 200));

  scope.post('/orgs', async (request, reply) => {
    const values = fields(request.body, ['name']);
    const created = await createOrg(store, values.name);
    if (created.ok) {
      return seeOther(reply, withNotice(`/console/orgs/${created.value.id}`, 'org-created'));
    }
    const problem =
      created.error === 'name-taken'
        ? 'An organization with that name exists.'
        : sentence(ORG_NAME_PROBLEMS[created.error]);
    const status = created.error === 'name-taken' ? 409 : 400;
    return listPage(request, reply, status, { values, problems: { name: problem } });
  });

  const orgOf = async (request: FastifyRequest) => {
    const orgId = idParam(request, 'orgId');
    return orgId ? store.getOrg(orgId) : undefined;
  };
  const orgNotFound = (request: FastifyRequest, reply: FastifyReply) =>
    notFound(context, request, reply, 'There is no organization with that id');
  const memberCount = async (orgId: string) =>
    (await store.listOrgUsers(orgId, { offset: 0, limit: 1, includeCount: true })).total ?? 0;

  scope.get('/orgs/:orgId/delete', async (request, reply) => {
    const org = await orgOf(request);
    if (!org) return orgNotFound(request, reply);
    const frame = signedInFrame(context, request);
    return sendPage(reply, 200, confirmDeleteOrgPage(frame, org, await memberCount(org.id)));
  });

  scope.post('/orgs/:orgId/delete', async (request, reply) => {
    const org = await orgOf(request);
    const deleted = org ? await store.deleteOrg(org.id) : undefined;
    if (!deleted?.ok) return orgNotFound(request, reply);
    // Roles live in each member's cached credentials.
    context.api.users.invalidateAll(deleted.revision);
    return seeOther(reply, withNotice('/console/orgs', 'org-deleted'));
  });

  const sendOrgPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    org: OrgRecord,
    status = 200,
    form: FormState = {},
  ) => {
    const search = searchParam(request);
    const n = pageNum(request);
    const [members, everyone, busiest] = await Promise.all([
      store.listOrgUsers(
        org.id,
        { offset: (n - 1) * MEMBERS_PER_PAGE, limit: MEMBERS_PER_PAGE, includeCount: true },
        search,
      ),
      search ? memberCount(org.id) : undefined,
      store.busiestKeys(org.id, lastDays(new Date())[0] ?? '', BUSIEST_SHOWN),
    ]);
    const query = search ? `q=${encodeURIComponent(search)}&` : '';
    const total = members.total ?? 0;
    return sendPage(
      reply,
      status,
      orgPage(signedInFrame(context, request), {
        org,
        members: members.items,
        membersTotal: everyone ?? total,
        search,
        pager: {
          pageNum: n,
          itemsPerPage: MEMBERS_PER_PAGE,
          total,
          href: (p) => `/console/orgs/${org.id}?${query}pageNum=${p}`,
        },
        busiest,
        ...form,
      }),
    );
  };

  scope.get('/orgs/:orgId', async (request, reply) => {
    const org = await orgOf(request);
    if (!org) return orgNotFound(request, reply);
    return sendOrgPage(request, reply, org);
  });

  scope.post('/orgs/:orgId/members/:userId/remove', async (request, reply) => {
    const org = await orgOf(request);
    if (!org) return orgNotFound(request, reply);
    const userId = idParam(request, 'userId');
    const removed = userId ? await store.removeMembership(userId, org.id) : undefined;
    // Already gone (another tab, the CLI): the page shows how things stand.
    if (!removed?.ok) return seeOther(reply, `/console/orgs/${org.id}`);
    context.api.users.invalidate(removed.value.username, removed.revision);
    return seeOther(reply, withNotice(`/console/orgs/${org.id}`, 'member-removed'));
  });

  scope.get('/orgs/:orgId/users/new', async (request, reply) => {
    const org = await orgOf(request);
    if (!org) return orgNotFound(request, reply);
    return sendPage(reply, 200, newOrgUserPage(signedInFrame(context, request), org));
  });

  scope.post('/orgs/:orgId/users', async (request, reply) => {
    const org = await orgOf(request);
    if (!org) return orgNotFound(request, reply);
    const form = fields(request.body, CREATE_FIELDS);
    // The org is the page's, and nobody is made a GLOBAL_OWNER from an org page.
    const created = await createFromForm(context, {
      ...form,
      orgId: org.id,
      globalOwner: '',
      password: '',
    });
    if (created.ok)
      return seeOther(reply, await landingAfterCreate(context, request, created.user));
    const frame = signedInFrame(context, request);
    return sendPage(reply, created.status, newOrgUserPage(frame, org, created.form));
  });

  // Adding by username from the org's page works however many orgs there are.
  scope.post('/orgs/:orgId/members', async (request, reply) => {
    const org = await orgOf(request);
    if (!org) return orgNotFound(request, reply);
    const form = fields(request.body, ['username', 'role']);
    const user = form.username ? await store.getUserByUsername(form.username) : undefined;
    if (!user || !isOrgRole(form.role)) {
      return sendOrgPage(request, reply, org, 400, {
        values: form,
        problems: {
          ...(user ? {} : { username: 'No user has that username.' }),
          ...(isOrgRole(form.role) ? {} : { role: 'Choose a role.' }),
        },
      });
    }
    const added = await store.setMembership(user.id, org.id, form.role);
    if (!added.ok) return orgNotFound(request, reply);
    context.api.users.invalidate(user.username, added.revision);
    return seeOther(reply, withNotice(`/console/orgs/${org.id}`, 'member-added'));
  });
}
