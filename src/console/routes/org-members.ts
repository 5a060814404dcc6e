import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { mayAdminister, mayManageOrgMembers, ownedOrgIds } from '../../domain/access.js';
import { isOrgRole, type OrgRecord, type UserRecord, type Written } from '../../domain/records.js';
import { createUser, usernameRefusal } from '../../domain/users.js';
import type { ConsoleContext } from '../context.js';
import { LINK_REVEAL_ID } from '../links.js';
import { fields, idParam, seeOther, sendPage, signedInFrame, text } from '../requests.js';
import type { FormState } from '../views/forms.js';
import { type NoticeCode, withNotice } from '../views/notices.js';
import { myOrgsPage, orgMembersPage } from '../views/org-members.js';
import { issueLinkFor } from './links.js';
import { notFound } from './refusals.js';

const MEMBERS_SHOWN = 500;

/**
 * An ORG_OWNER's part of the console: the members of their own orgs (add, remove, change
 * role, invite), nothing else. Every route asks `mayManageOrgMembers` before looking the
 * org up, so another org is "not found" whether or not it exists.
 */
export function orgMemberRoutes(scope: FastifyInstance, context: ConsoleContext): void {
  const { store, users } = context.api;
  const actorOf = (request: FastifyRequest): UserRecord => {
    const actor = request.signedIn?.user;
    if (!actor) throw new Error('a protected console route ran without a session');
    return actor;
  };
  const orgOf = async (request: FastifyRequest): Promise<OrgRecord | undefined> => {
    const orgId = idParam(request, 'orgId');
    if (!orgId || !mayManageOrgMembers(actorOf(request), orgId)) return undefined;
    return store.getOrg(orgId);
  };
  const orgNotFound = (request: FastifyRequest, reply: FastifyReply) =>
    notFound(context, request, reply, 'There is no organization with that id that you own');
  // A member of this org other than oneself (one's own role is another owner's to change).
  const memberOf = async (request: FastifyRequest, org: OrgRecord) => {
    const userId = idParam(request, 'userId');
    if (!userId || userId === actorOf(request).id) return undefined;
    const user = await store.getUserById(userId);
    return user?.orgRoles.some((role) => role.orgId === org.id) ? user : undefined;
  };
  const membersPath = (org: OrgRecord) => `/console/org-members/${org.id}`;

  const sendMembersPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    org: OrgRecord,
    status = 200,
    form: FormState = {},
  ) => {
    const members = await store.listOrgUsers(org.id, {
      offset: 0,
      limit: MEMBERS_SHOWN,
      includeCount: true,
    });
    // A member just invited here: their link, sealed for this session, shown once.
    const invitedId = text(request.query, 'invited');
    const invitedUser = invitedId ? members.items.find((u) => u.id === invitedId) : undefined;
    const signedIn = request.signedIn;
    const reveal =
      invitedUser && signedIn ? await context.reveals.take(signedIn.id, invitedUser.id) : undefined;
    const invited =
      invitedUser && reveal?.keyId === LINK_REVEAL_ID
        ? { user: invitedUser, link: { url: reveal.key } }
        : undefined;
    const view = {
      org,
      members: members.items,
      membersTotal: members.total ?? members.items.length,
      ...(invited ? { invited } : {}),
      ...form,
    };
    return sendPage(reply, status, orgMembersPage(signedInFrame(context, request), view));
  };

  const changed = (
    request: FastifyRequest,
    reply: FastifyReply,
    org: OrgRecord,
    outcome: Written<UserRecord, string>,
    notice: NoticeCode,
  ) => {
    if (!outcome.ok) return orgNotFound(request, reply);
    users.invalidate(outcome.value.username, outcome.revision);
    return seeOther(reply, withNotice(membersPath(org), notice));
  };

  scope.get('/org-members', async (request, reply) => {
    const actor = actorOf(request);
    if (mayAdminister(actor)) return seeOther(reply, '/console/orgs');
    const orgs = await Promise.all(ownedOrgIds(actor).map((id) => store.getOrg(id)));
    const owned = orgs.filter((org): org is OrgRecord => org !== undefined);
    return sendPage(reply, 200, myOrgsPage(signedInFrame(context, request), owned));
  });

  scope.get('/org-members/:orgId', async (request, reply) => {
    const org = await orgOf(request);
    if (!org) return orgNotFound(request, reply);
    return sendMembersPage(request, reply, org);
  });

  scope.post('/org-members/:orgId/members', async (request, reply) => {
    const org = await orgOf(request);
    if (!org) return orgNotFound(request, reply);
    const form = fields(request.body, ['username', 'role', 'action']);
    const refuse = (status: number, problems: Record<string, string>) =>
      sendMembersPage(request, reply, org, status, { values: form, problems });
    if (!isOrgRole(form.role)) return refuse(400, { role: 'Choose a role.' });
    if (form.action === 'invite') {
      const created = await createUser(store, {
        username: form.username,
        org: { orgId: org.id, roleName: form.role },
      });
      if (!created.ok) {
        const taken = created.error === 'username-taken';
        if (created.error === 'org-not-found') return orgNotFound(request, reply);
        return refuse(taken ? 409 : 400, {
          username: taken ? 'That username is taken.' : usernameRefusal(form.username),
        });
      }
      users.invalidate(created.value.username, created.revision);
      await issueLinkFor(context, request, created.value);
      const path = `${membersPath(org)}?invited=${created.value.id}`;
      return seeOther(reply, `${withNotice(path, 'user-invited')}#new-link-panel`);
    }
    const user = form.username ? await store.getUserByUsername(form.username) : undefined;
    if (!user) return refuse(400, { username: 'No user has that username.' });
    const added = await store.setMembership(user.id, org.id, form.role);
    return changed(request, reply, org, added, 'member-added');
  });

  scope.post('/org-members/:orgId/members/:userId/role', async (request, reply) => {
    const org = await orgOf(request);
    const user = org && (await memberOf(request, org));
    if (!org || !user) return orgNotFound(request, reply);
    const { role } = fields(request.body, ['role']);
    if (!isOrgRole(role)) return sendMembersPage(request, reply, org, 400);
    const updated = await store.setMembership(user.id, org.id, role);
    return changed(request, reply, org, updated, 'membership-set');
  });

  scope.post('/org-members/:orgId/members/:userId/remove', async (request, reply) => {
    const org = await orgOf(request);
    const user = org && (await memberOf(request, org));
    if (!org || !user) return orgNotFound(request, reply);
    const removed = await store.removeMembership(user.id, org.id);
    return changed(request, reply, org, removed, 'membership-removed');
  });
}
