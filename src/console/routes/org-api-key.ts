import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkApiKeyChanges } from '../../domain/org-api-keys.js';
import type { OrgApiKeyRecord, OrgRecord } from '../../domain/records.js';
import { baseUrl } from '../../http/links.js';
import type { ConsoleContext } from '../context.js';
import { apiKeyRevealId } from '../key-reveals.js';
import { seeOther, sendPage, signedInFrame } from '../requests.js';
import type { FormState } from '../views/forms.js';
import type { RevealedKey } from '../views/keys.js';
import { withNotice } from '../views/notices.js';
import { apiKeyPage, confirmDeleteApiKeyPage } from '../views/org-api-key.js';
import { addAccessEntry, loadAccessList, removeAccessEntry } from './access-entries.js';
import { apiKeyOwners, apiKeysPath } from './api-key-owners.js';
import { changesOf, placeOf, refusedForm } from './org-api-keys.js';

/** One programmatic key's page: edit, delete, its access list, and its one-time reveal. */
export function orgApiKeyPageRoutes(scope: FastifyInstance, context: ConsoleContext): void {
  const { store, users } = context.api;
  const owners = apiKeyOwners(context);

  // The org first (which decides who may), then the key within it.
  const keyRoute = async (request: FastifyRequest, reply: FastifyReply) => {
    const org = await owners.orgOf(request);
    if (!org) return { refused: owners.orgNotFound(request, reply) };
    const key = await owners.keyOf(request, org);
    if (!key) return { refused: owners.keyNotFound(request, reply) };
    return { org, key };
  };

  // The private key, if this view is the one just after its creation.
  const revealOf = async (request: FastifyRequest, key: OrgApiKeyRecord) => {
    const signedIn = request.signedIn;
    const reveal = signedIn && (await context.reveals.take(signedIn.id, signedIn.user.id));
    if (reveal?.keyId !== apiKeyRevealId(key.id)) return undefined;
    const base = baseUrl(request, context.api.publicUrl);
    const shown: RevealedKey = {
      key: reveal.key,
      username: key.publicKey,
      // Any key of the org may read the org, whatever its roles.
      keysUrl: `${base}/api/atlas/v1.0/orgs/${key.orgId}`,
      tries: 'reads the organization',
    };
    return shown;
  };

  const sendKeyPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    found: { org: OrgRecord; key: OrgApiKeyRecord },
    status = 200,
    forms: { edit?: FormState; accessList?: FormState } = {},
  ) => {
    const [accessList, reveal] = await Promise.all([
      loadAccessList(context, request, owners.accessOwner(found.key), forms.accessList),
      status === 200 ? revealOf(request, found.key) : undefined,
    ]);
    return sendPage(
      reply,
      status,
      apiKeyPage(signedInFrame(context, request), {
        ...placeOf(context, request, found.org),
        key: found.key,
        edit: forms.edit ?? {},
        accessList,
        ...(reveal ? { reveal } : {}),
      }),
    );
  };
  const pathOf = (key: OrgApiKeyRecord) => `${apiKeysPath(key.orgId)}/${key.id}`;

  scope.get('/orgs/:orgId/api-keys/:keyId', async (request, reply) => {
    const found = await keyRoute(request, reply);
    return 'refused' in found ? found.refused : sendKeyPage(request, reply, found);
  });

  scope.post('/orgs/:orgId/api-keys/:keyId', async (request, reply) => {
    const found = await keyRoute(request, reply);
    if ('refused' in found) return found.refused;
    const checked = checkApiKeyChanges(changesOf(request), false);
    if (!checked.ok) {
      return sendKeyPage(request, reply, found, 400, { edit: refusedForm(request, checked) });
    }
    const changed = await store.updateOrgApiKey(found.org.id, found.key.id, checked.value);
    if (!changed.ok) return owners.keyNotFound(request, reply);
    users.invalidate(changed.value.publicKey, changed.revision);
    return seeOther(reply, withNotice(pathOf(found.key), 'api-key-saved'));
  });

  scope.get('/orgs/:orgId/api-keys/:keyId/delete', async (request, reply) => {
    const found = await keyRoute(request, reply);
    if ('refused' in found) return found.refused;
    const view = { ...placeOf(context, request, found.org), key: found.key };
    return sendPage(reply, 200, confirmDeleteApiKeyPage(signedInFrame(context, request), view));
  });

  scope.post('/orgs/:orgId/api-keys/:keyId/delete', async (request, reply) => {
    const found = await keyRoute(request, reply);
    if ('refused' in found) return found.refused;
    const deleted = await store.deleteOrgApiKey(found.org.id, found.key.id);
    if (!deleted.ok) return owners.keyNotFound(request, reply);
    users.invalidate(deleted.value.publicKey, deleted.revision);
    return seeOther(reply, withNotice(apiKeysPath(found.org.id), 'api-key-deleted'));
  });

  scope.post('/orgs/:orgId/api-keys/:keyId/access-list', async (request, reply) => {
    const found = await keyRoute(request, reply);
    if ('refused' in found) return found.refused;
    const added = await addAccessEntry(context, request, owners.accessOwner(found.key));
    if (!added.ok) return sendKeyPage(request, reply, found, 400, { accessList: added.form });
    return seeOther(reply, `${withNotice(pathOf(found.key), 'access-entry-added')}#access-list`);
  });

  scope.post('/orgs/:orgId/api-keys/:keyId/access-list/remove', async (request, reply) => {
    const found = await keyRoute(request, reply);
    if ('refused' in found) return found.refused;
    const removed = await removeAccessEntry(context, request, owners.accessOwner(found.key));
    const back = pathOf(found.key);
    return seeOther(reply, removed ? withNotice(back, 'access-entry-removed') : back);
  });
}
