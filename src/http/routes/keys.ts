import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { requestedLifetime } from '../../domain/expiry.js';
import { DEFAULT_ROLL_OVERLAP_MS, issueKey, rollKey } from '../../domain/keys.js';
import type { ApiContext } from '../context.js';
import { ApiError, unauthorized } from '../errors.js';
import { KeyListDocuments } from '../key-list-document.js';
import { selfHref } from '../links.js';
import { listPage, pageOf } from '../pagination.js';
import { renderOptions } from '../render.js';
import {
  ApiKeyDocument,
  ApiKeyList,
  CreateApiKeyBody,
  CreatedApiKeyDocument,
  RollApiKeyBody,
  toApiKeyDocument,
  toCreatedApiKeyDocument,
  UpdateApiKeyBody,
} from '../schemas/api-key.js';
import { ListQuery, ObjectIdString, RenderQuery, serializedAs } from '../schemas/common.js';
import type { Api } from './api.js';
import { targetUser } from './target-user.js';

// Fastify's own type for the JSON it serializes, so the cached list is sent alike.
const JSON_TYPE = 'application/json; charset=utf-8';

const UserParams = Type.Object({ userId: ObjectIdString });
const KeyParams = Type.Object({ userId: ObjectIdString, keyId: ObjectIdString });

/** `/users/{USER-ID}/keys[/{KEY-ID}]`: a user's own personal API keys. */
export function keyRoutes(api: Api, context: ApiContext): void {
  const { store, usage, users } = context;
  const documents = new KeyListDocuments();
  const unflushed = (keyId: string) => usage.unflushed(keyId);

  const notIssued = (error: 'user-not-found' | 'too-many-keys') =>
    // The user was deleted between authentication and now: as if unknown.
    error === 'user-not-found'
      ? unauthorized()
      : new ApiError(
          'TOO_MANY_API_KEYS',
          `A user may hold at most ${context.maxKeysPerUser} API keys; delete one first.`,
        );

  const keyNotFound = (keyId: string) =>
    new ApiError('API_KEY_NOT_FOUND', `No API key with ID ${keyId} exists for this user.`, [keyId]);

  api.post(
    '/users/:userId/keys',
    {
      schema: {
        summary: 'Create a key for the authenticated user',
        params: UserParams,
        querystring: RenderQuery,
        body: CreateApiKeyBody,
        response: { 201: serializedAs(CreatedApiKeyDocument) },
      },
    },
    async (request, reply) => {
      const user = await targetUser(store, request.principal, request.params.userId);
      const issued = await issueKey(store, {
        user,
        description: request.body.description,
        realm: context.realm,
        maxKeysPerUser: context.maxKeysPerUser,
        maxLifetimeMs: context.maxKeyLifetimeMs,
        ...requestedLifetime(request.body.expiresInSeconds),
      });
      if (!issued.ok) throw notIssued(issued.error);
      users.addKey(user.username, issued.value.credential, issued.value.record, issued.revision);
      reply.code(201);
      return toCreatedApiKeyDocument(issued.value.record, issued.value.key);
    },
  );

  api.post(
    '/users/:userId/keys/:keyId/roll',
    {
      schema: {
        summary: "keyward's own: a new key replacing this one, which expires after an overlap",
        params: KeyParams,
        querystring: RenderQuery,
        body: RollApiKeyBody,
        response: { 201: serializedAs(CreatedApiKeyDocument) },
      },
    },
    async (request, reply) => {
      const { userId, keyId } = request.params;
      const user = await targetUser(store, request.principal, userId);
      const seconds = request.body.overlapSeconds;
      const rolled = await rollKey(store, {
        user,
        keyId,
        realm: context.realm,
        maxKeysPerUser: context.maxKeysPerUser,
        maxLifetimeMs: context.maxKeyLifetimeMs,
        overlapMs: seconds === undefined ? DEFAULT_ROLL_OVERLAP_MS : seconds * 1000,
      });
      if (!rolled.ok)
        throw rolled.error === 'key-not-found' ? keyNotFound(keyId) : notIssued(rolled.error);
      // The old key's cached expiry is stale: every worker and instance reloads the user.
      users.invalidate(user.username, rolled.revision);
      reply.code(201);
      return toCreatedApiKeyDocument(rolled.value.record, rolled.value.key);
    },
  );

  api.get(
    '/users/:userId/keys',
    {
      schema: {
        summary: "List the user's keys",
        params: UserParams,
        querystring: ListQuery,
        response: { 200: serializedAs(ApiKeyList) },
      },
    },
    async (request, reply) => {
      const user = await targetUser(store, request.principal, request.params.userId);
      // A user's own list comes from memory; others' (a GLOBAL_OWNER's view) from the store.
      const self = request.principal?.kind === 'user' && user === request.principal.user;
      const cached = self ? await users.keys(user.username) : undefined;
      const { pretty, envelope } = renderOptions(request);
      if (cached && !pretty && !envelope) {
        const href = selfHref(request, context.publicUrl);
        const json = documents.render(cached, href, request.query, unflushed);
        // Already the schema's JSON: Fastify sends a string as it is.
        const raw: FastifyReply = reply;
        return raw.type(JSON_TYPE).send(json);
      }
      return listPage(
        selfHref(request, context.publicUrl),
        request.query,
        (page) => (cached ? Promise.resolve(pageOf(cached, page)) : store.listKeys(user.id, page)),
        (key) => toApiKeyDocument(usage.withUnflushed(key)),
      );
    },
  );

  api.patch(
    '/users/:userId/keys/:keyId',
    {
      schema: {
        summary: 'Enable or disable a key',
        params: KeyParams,
        querystring: RenderQuery,
        body: UpdateApiKeyBody,
        response: { 200: serializedAs(ApiKeyDocument) },
      },
    },
    async (request) => {
      const { userId, keyId } = request.params;
      const user = await targetUser(store, request.principal, userId);
      const changed = await store.setKeyEnabled(user.id, keyId, request.body.enabled);
      if (!changed.ok) throw keyNotFound(keyId);
      users.invalidate(user.username, changed.revision);
      return toApiKeyDocument(usage.withUnflushed(changed.value));
    },
  );

  api.delete(
    '/users/:userId/keys/:keyId',
    {
      schema: {
        summary: 'Delete a key',
        params: KeyParams,
        querystring: RenderQuery,
        response: { 204: Type.Null({ description: 'Deleted; no body' }) },
      },
    },
    async (request, reply) => {
      const { userId, keyId } = request.params;
      const user = await targetUser(store, request.principal, userId);
      const deleted = await store.deleteKey(user.id, keyId);
      if (!deleted.ok) throw keyNotFound(keyId);
      users.invalidate(user.username, deleted.revision);
      return reply.code(204).send(null);
    },
  );
}
