import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { mayAdminister } from '../../domain/access.js';
import {
  type ApiKeyRefusal,
  checkApiKeyChanges,
  issueOrgApiKey,
} from '../../domain/org-api-keys.js';
import type { OrgRecord } from '../../domain/records.js';
import { refusal } from '../../http/routes/org-api-keys.js';
import type { ConsoleContext } from '../context.js';
import { chosenLifetime, EXPIRY_REFUSED } from '../key-lifetime.js';
import { apiKeyRevealId } from '../key-reveals.js';
import { allOf, pageOfList, seeOther, sendPage, signedInFrame, text } from '../requests.js';
import type { FormState } from '../views/forms.js';
import { apiKeysPage, type OrgPlace } from '../views/org-api-keys.js';
import { apiKeyOwners, apiKeysPath } from './api-key-owners.js';

const KEYS_PER_PAGE = 50;

/** The desc and roles a create or edit form sent, as the API's body would carry them. */
export function changesOf(request: FastifyRequest) {
  return { desc: text(request.body, 'desc'), roles: allOf(request.body, 'roles') };
}

/** A refused change as the form shows it: the API's code and words beside the field at fault. */
export function refusedForm(request: FastifyRequest, refused: ApiKeyRefusal): FormState {
  const { desc, roles } = changesOf(request);
  const error = refusal(refused);
  return {
    values: { desc, roles: roles.join(' '), expiresIn: text(request.body, 'expiresIn') },
    problems: {
      [refused.error === 'invalid-desc' ? 'desc' : 'roles']: `${error.errorCode}: ${error.detail}`,
    },
  };
}

/** Where the pages of `org`'s keys sit for the signed-in user. */
export function placeOf(
  context: ConsoleContext,
  request: FastifyRequest,
  org: OrgRecord,
): OrgPlace {
  const actor = request.signedIn?.user;
  const admin = actor !== undefined && mayAdminister(actor);
  return {
    org,
    section: apiKeyOwners(context).section(request),
    back: admin ? `/console/orgs/${org.id}` : `/console/org-members/${org.id}`,
  };
}

/**
 * An org's programmatic API keys: listed and created here, each then managed on its own
 * page (src/console/routes/org-api-key.ts). Who may is the API's rule, asked in `orgOf`.
 */
export function orgApiKeyRoutes(scope: FastifyInstance, context: ConsoleContext): void {
  const { store, users } = context.api;
  const { orgOf, orgNotFound } = apiKeyOwners(context);

  const sendKeysPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    org: OrgRecord,
    status = 200,
    form: FormState = {},
  ) => {
    const { items, pager } = await pageOfList(
      request,
      KEYS_PER_PAGE,
      (page) => store.listOrgApiKeys(org.id, page),
      (p) => `${apiKeysPath(org.id)}?pageNum=${p}`,
    );
    return sendPage(
      reply,
      status,
      apiKeysPage(signedInFrame(context, request), {
        ...placeOf(context, request, org),
        keys: items,
        pager,
        ...form,
      }),
    );
  };

  scope.get('/orgs/:orgId/api-keys', async (request, reply) => {
    const org = await orgOf(request);
    if (!org) return orgNotFound(request, reply);
    return sendKeysPage(request, reply, org);
  });

  scope.post('/orgs/:orgId/api-keys', async (request, reply) => {
    const org = await orgOf(request);
    if (!org) return orgNotFound(request, reply);
    const checked = checkApiKeyChanges(changesOf(request), true);
    if (!checked.ok) return sendKeysPage(request, reply, org, 400, refusedForm(request, checked));
    const expiresIn = text(request.body, 'expiresIn');
    const lifetime = chosenLifetime(expiresIn);
    if (!lifetime.ok) {
      const { desc, roles } = changesOf(request);
      const values = { desc, roles: roles.join(' '), expiresIn };
      const form = { values, problems: { expiresIn: EXPIRY_REFUSED } };
      return sendKeysPage(request, reply, org, 400, form);
    }
    const issued = await issueOrgApiKey(store, {
      orgId: org.id,
      description: checked.value.description ?? '',
      roles: checked.value.roles ?? [],
      realm: context.api.realm,
      maxLifetimeMs: context.api.maxKeyLifetimeMs,
      ...lifetime.value,
    });
    if (!issued.ok) return orgNotFound(request, reply);
    const { record, privateKey } = issued.value;
    users.invalidate(record.publicKey, issued.revision);
    // Sealed for this session and shown once, by the key's page, as a personal key is.
    const signedIn = request.signedIn;
    if (signedIn) {
      await context.reveals.put(signedIn.id, {
        userId: signedIn.user.id,
        keyId: apiKeyRevealId(record.id),
        key: privateKey,
      });
    }
    return seeOther(reply, `${apiKeysPath(org.id)}/${record.id}#new-key-panel`);
  });
}
