import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { mayManageOrgApiKeys } from '../../domain/access.js';
import { requestedLifetime } from '../../domain/expiry.js';
import {
  type ApiKeyRefusal,
  checkApiKeyChanges,
  issueOrgApiKey,
} from '../../domain/org-api-keys.js';
import type { Principal } from '../../domain/principal.js';
import type { ObjectId } from '../../domain/records.js';
import type { Store } from '../../store/store.js';
import type { ApiContext } from '../context.js';
import { ApiError, unauthorized } from '../errors.js';
import { baseUrl, selfHref } from '../links.js';
import { listPage } from '../pagination.js';
import { ListQuery, ObjectIdString, RenderQuery, serializedAs } from '../schemas/common.js';
import {
  CreateOrgApiKeyBody,
  OrgApiKeyDocument,
  OrgApiKeyList,
  toOrgApiKeyDocument,
  UpdateOrgApiKeyBody,
} from '../schemas/org-api-key.js';
import type { Api } from './api.js';

const OrgParams = Type.Object({ orgId: ObjectIdString });
const KeyParams = Type.Object({ orgId: ObjectIdString, apiKeyId: ObjectIdString });

const REFUSALS = {
  'invalid-desc': () =>
    new ApiError(
      'INVALID_API_KEY_DESC',
      'The API key description is required, and must be between 1 and 250 characters long.',
    ),
  'missing-roles': () =>
    new ApiError('MISSING_API_KEY_ROLES', 'The API key must have at least one role.'),
};

/** The API's error for a refused desc or roles; the console shows the same words. */
export function refusal(refused: ApiKeyRefusal): ApiError {
  if (refused.error !== 'unknown-role') return REFUSALS[refused.error]();
  return new ApiError(
    'INVALID_ENUM_VALUE',
    `An invalid enumeration value ${refused.role} was specified.`,
    [refused.role],
  );
}

/**
 * Refuses (401) anyone who may not manage the org's programmatic keys (and their access
 * lists). Decided from the principal before the org is looked up, as every access rule is;
 * a GLOBAL_OWNER naming a missing org then gets the same 401 as anyone else.
 */
export async function mustManageOrgApiKeys(
  store: Store,
  principal: Principal | undefined,
  orgId: ObjectId,
): Promise<void> {
  if (!principal || !mayManageOrgApiKeys(principal, orgId)) throw unauthorized();
  if (!(await store.getOrg(orgId))) throw unauthorized();
}

export const apiKeyNotFound = (keyId: ObjectId) =>
  new ApiError('API_KEY_NOT_FOUND', `No API key with ID ${keyId} exists.`, [keyId]);

/**
 * `/orgs/{ORG-ID}/apiKeys[/{API-KEY-ID}]`: an org's programmatic API keys, for its
 * ORG_OWNERs (users or programmatic keys) and GLOBAL_OWNERs.
 */
export function orgApiKeyRoutes(api: Api, context: ApiContext): void {
  const { store, users } = context;
  const keyHref = (request: FastifyRequest, orgId: ObjectId, keyId: ObjectId) =>
    `${baseUrl(request, context.publicUrl)}${api.prefix}/orgs/${orgId}/apiKeys/${keyId}`;

  const mustManage = (principal: Principal | undefined, orgId: ObjectId) =>
    mustManageOrgApiKeys(store, principal, orgId);
  const keyNotFound = apiKeyNotFound;

  api.get(
    '/orgs/:orgId/apiKeys',
    {
      schema: {
        summary: "An organization's programmatic API keys",
        params: OrgParams,
        querystring: ListQuery,
        response: { 200: serializedAs(OrgApiKeyList) },
      },
    },
    async (request) => {
      const { orgId } = request.params;
      await mustManage(request.principal, orgId);
      return listPage(
        selfHref(request, context.publicUrl),
        request.query,
        (page) => store.listOrgApiKeys(orgId, page),
        (key) => toOrgApiKeyDocument(key, keyHref(request, orgId, key.id)),
      );
    },
  );

  api.post(
    '/orgs/:orgId/apiKeys',
    {
      schema: {
        summary: 'Create a programmatic API key: the only answer with its private key in full',
        params: OrgParams,
        querystring: RenderQuery,
        body: CreateOrgApiKeyBody,
        response: { 200: serializedAs(OrgApiKeyDocument) },
      },
    },
    async (request) => {
      const { orgId } = request.params;
      await mustManage(request.principal, orgId);
      const checked = checkApiKeyChanges(request.body, true);
      if (!checked.ok) throw refusal(checked);
      const issued = await issueOrgApiKey(store, {
        orgId,
        description: checked.value.description ?? '',
        roles: checked.value.roles ?? [],
        realm: context.realm,
        maxLifetimeMs: context.maxKeyLifetimeMs,
        ...requestedLifetime(request.body.expiresInSeconds),
      });
      // The org was deleted since the check: as if it never existed.
      if (!issued.ok) throw unauthorized();
      const { record, privateKey } = issued.value;
      users.invalidate(record.publicKey, issued.revision);
      return toOrgApiKeyDocument(record, keyHref(request, orgId, record.id), privateKey);
    },
  );

  api.get(
    '/orgs/:orgId/apiKeys/:apiKeyId',
    {
      schema: {
        summary: 'One programmatic API key (private key redacted)',
        params: KeyParams,
        querystring: RenderQuery,
        response: { 200: serializedAs(OrgApiKeyDocument) },
      },
    },
    async (request) => {
      const { orgId, apiKeyId } = request.params;
      await mustManage(request.principal, orgId);
      const key = await store.getOrgApiKey(orgId, apiKeyId);
      if (!key) throw keyNotFound(apiKeyId);
      return toOrgApiKeyDocument(key, keyHref(request, orgId, key.id));
    },
  );

  api.patch(
    '/orgs/:orgId/apiKeys/:apiKeyId',
    {
      schema: {
        summary: "Change a programmatic API key's description and/or roles",
        params: KeyParams,
        querystring: RenderQuery,
        body: UpdateOrgApiKeyBody,
        response: { 200: serializedAs(OrgApiKeyDocument) },
      },
    },
    async (request) => {
      const { orgId, apiKeyId } = request.params;
      await mustManage(request.principal, orgId);
      const checked = checkApiKeyChanges(request.body, false);
      if (!checked.ok) throw refusal(checked);
      const changed = await store.updateOrgApiKey(orgId, apiKeyId, checked.value);
      if (!changed.ok) throw keyNotFound(apiKeyId);
      users.invalidate(changed.value.publicKey, changed.revision);
      return toOrgApiKeyDocument(changed.value, keyHref(request, orgId, apiKeyId));
    },
  );

  api.delete(
    '/orgs/:orgId/apiKeys/:apiKeyId',
    {
      schema: {
        summary: 'Delete a programmatic API key: it stops authenticating everywhere',
        params: KeyParams,
        querystring: RenderQuery,
        response: { 204: Type.Null({ description: 'Deleted; no body' }) },
      },
    },
    async (request, reply) => {
      const { orgId, apiKeyId } = request.params;
      await mustManage(request.principal, orgId);
      const deleted = await store.deleteOrgApiKey(orgId, apiKeyId);
      if (!deleted.ok) throw keyNotFound(apiKeyId);
      users.invalidate(deleted.value.publicKey, deleted.revision);
      return reply.code(204).send(null);
    },
  );
}
