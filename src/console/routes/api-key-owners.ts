import type { FastifyReply, FastifyRequest } from 'fastify';
import { mayAdminister, mayManageOrgApiKeys } from '../../domain/access.js';
import type { OrgApiKeyRecord, OrgRecord } from '../../domain/records.js';
import type { ConsoleContext } from '../context.js';
import { idParam } from '../requests.js';
import type { Section } from '../views/layout.js';
import type { ConsoleAccessOwner } from './access-entries.js';
import { notFound } from './refusals.js';

/** An org's keys page; the key pages and their forms hang below it. */
export const apiKeysPath = (orgId: string) => `/console/orgs/${orgId}/api-keys`;

/**
 * Whose programmatic keys a `/orgs/:orgId/api-keys…` request may touch. The rule is the
 * API's own (`mayManageOrgApiKeys`: the org's ORG_OWNERs and GLOBAL_OWNERs), asked with the
 * signed-in user as the principal and before the org is looked up, so another org is "not
 * found" whether or not it exists.
 */
export function apiKeyOwners(context: ConsoleContext) {
  const { store, users } = context.api;
  return {
    orgOf(request: FastifyRequest): Promise<OrgRecord | undefined> | undefined {
      const actor = request.signedIn?.user;
      const orgId = idParam(request, 'orgId');
      if (!actor || !orgId || !mayManageOrgApiKeys({ kind: 'user', user: actor }, orgId)) {
        return undefined;
      }
      return store.getOrg(orgId);
    },
    keyOf(request: FastifyRequest, org: OrgRecord): Promise<OrgApiKeyRecord | undefined> {
      const keyId = idParam(request, 'keyId');
      return keyId ? store.getOrgApiKey(org.id, keyId) : Promise.resolve(undefined);
    },
    /** The key's access list as its page edits it. */
    accessOwner(key: OrgApiKeyRecord): ConsoleAccessOwner {
      const page = `${apiKeysPath(key.orgId)}/${key.id}`;
      return {
        owner: { kind: 'apiKey', id: key.id },
        action: `${page}/access-list`,
        page,
        // The list is cached with the key's credentials, under its public key.
        changed: (revision) => users.invalidate(key.publicKey, revision),
      };
    },
    /** The menu entry the pages sit under: an administrator's orgs, or an owner's own. */
    section(request: FastifyRequest): Section {
      const actor = request.signedIn?.user;
      return actor && mayAdminister(actor) ? 'orgs' : 'org-members';
    },
    orgNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
      return notFound(
        context,
        request,
        reply,
        'There is no organization with that id that you own',
      );
    },
    keyNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
      return notFound(context, request, reply, 'The organization has no such API key');
    },
  };
}
