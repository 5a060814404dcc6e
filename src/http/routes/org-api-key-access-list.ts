import type { ApiContext } from '../context.js';
import { ObjectIdString } from '../schemas/common.js';
import { accessListRoutes } from './access-list.js';
import type { Api } from './api.js';
import { apiKeyNotFound, mustManageOrgApiKeys } from './org-api-keys.js';

/**
 * `/orgs/{ORG-ID}/apiKeys/{API-KEY-ID}/accessList` (and `/whitelist`): the addresses a
 * programmatic key may be used from. Edited by exactly those who manage the org's keys.
 */
export function orgApiKeyAccessListRoutes(api: Api, context: ApiContext): void {
  const { store, users } = context;
  accessListRoutes(api, context, {
    path: '/orgs/:orgId/apiKeys/:apiKeyId',
    params: { orgId: ObjectIdString, apiKeyId: ObjectIdString },
    whose: "a programmatic API key's",
    notFound: 'API_KEY_ACCESS_LIST_ENTRY_NOT_FOUND',
    async resolve(request, params) {
      // (Always present: the route's schema requires them.)
      const orgId = params.orgId ?? '';
      const keyId = params.apiKeyId ?? '';
      await mustManageOrgApiKeys(store, request.principal, orgId);
      const key = await store.getOrgApiKey(orgId, keyId);
      if (!key) throw apiKeyNotFound(keyId);
      return {
        owner: { kind: 'apiKey', id: key.id },
        // The key itself signed this request: its own list gates the caller.
        gatesCaller: request.principal?.kind === 'apiKey' && request.principal.apiKey.id === key.id,
        // The list is cached with the key's credentials, under its public key.
        changed: (revision) => users.invalidate(key.publicKey, revision),
      };
    },
  });
}
