import type { FastifyInstance } from 'fastify';
import { DEFAULT_ROLL_OVERLAP_MS, issueKey, rollKey } from '../../domain/keys.js';
import type { ConsoleContext } from '../context.js';
import { chosenLifetime, EXPIRY_REFUSED } from '../key-lifetime.js';
import { idParam, seeOther, sendPage, signedInFrame, text } from '../requests.js';
import { withNotice } from '../views/notices.js';
import { confirmDeleteKeyPage } from '../views/user.js';
import { keptListQuery } from './key-list.js';
import { descriptionProblem, keyOwners } from './key-owners.js';
import { sendMyKeysPage, sendUserPage } from './user-page.js';

/**
 * Generate, enable, disable and delete a user's keys, as the API and the CLI do: one's own,
 * or, for a GLOBAL_OWNER, anyone's.
 */
export function keyRoutes(scope: FastifyInstance, context: ConsoleContext): void {
  const { store, users, usage } = context.api;

  const { userOf, userPath, userNotFound, keyNotFound } = keyOwners(context);

  scope.post('/users/:userId/keys', async (request, reply) => {
    const user = await userOf(request);
    if (!user) return userNotFound(request, reply);
    const description = text(request.body, 'description');
    const expiresIn = text(request.body, 'expiresIn');
    const refuse = (status: number, problem: string, field = 'description') => {
      const form = { values: { description, expiresIn }, problems: { [field]: problem } };
      return user.id === request.signedIn?.user.id
        ? sendMyKeysPage(context, request, reply, status, form)
        : sendUserPage(context, request, reply, user, status, form);
    };
    const problem = descriptionProblem(description);
    if (problem) return refuse(400, problem);
    const lifetime = chosenLifetime(expiresIn);
    if (!lifetime.ok) return refuse(400, EXPIRY_REFUSED, 'expiresIn');
    const issued = await issueKey(store, {
      user,
      description,
      realm: context.api.realm,
      maxKeysPerUser: context.api.maxKeysPerUser,
      maxLifetimeMs: context.api.maxKeyLifetimeMs,
      ...lifetime.value,
    });
    if (!issued.ok) {
      if (issued.error === 'user-not-found') return userNotFound(request, reply);
      return refuse(
        409,
        `${user.username} already holds ${context.api.maxKeysPerUser} keys, the most allowed; delete one first.`,
      );
    }
    const { record, credential, key } = issued.value;
    users.addKey(user.username, credential, record, issued.revision);
    const signedIn = request.signedIn;
    if (signedIn)
      await context.reveals.put(signedIn.id, { userId: user.id, keyId: record.id, key });
    return seeOther(reply, `${userPath(request, user)}#new-key-panel`);
  });

  for (const [action, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    scope.post(`/users/:userId/keys/:keyId/${action}`, async (request, reply) => {
      const user = await userOf(request);
      if (!user) return userNotFound(request, reply);
      const keyId = idParam(request, 'keyId');
      const changed = keyId ? await store.setKeyEnabled(user.id, keyId, enabled) : undefined;
      if (!changed?.ok) return keyNotFound(request, reply, user);
      users.invalidate(user.username, changed.revision);
      const back = `${userPath(request, user)}${keptListQuery(request)}`;
      return seeOther(reply, withNotice(back, enabled ? 'key-enabled' : 'key-disabled'));
    });
  }

  // Rotation: the new key is revealed once, as a generated one; the old one works for a day.
  scope.post('/users/:userId/keys/:keyId/roll', async (request, reply) => {
    const user = await userOf(request);
    if (!user) return userNotFound(request, reply);
    const keyId = idParam(request, 'keyId');
    if (!keyId) return keyNotFound(request, reply, user);
    const rolled = await rollKey(store, {
      user,
      keyId,
      realm: context.api.realm,
      maxKeysPerUser: context.api.maxKeysPerUser,
      maxLifetimeMs: context.api.maxKeyLifetimeMs,
      overlapMs: DEFAULT_ROLL_OVERLAP_MS,
    });
    if (!rolled.ok) {
      if (rolled.error === 'user-not-found') return userNotFound(request, reply);
      if (rolled.error === 'key-not-found') return keyNotFound(request, reply, user);
      const back = `${userPath(request, user)}${keptListQuery(request)}`;
      return seeOther(reply, withNotice(back, 'key-roll-full'));
    }
    const { record, key } = rolled.value;
    users.invalidate(user.username, rolled.revision);
    const signedIn = request.signedIn;
    if (signedIn)
      await context.reveals.put(signedIn.id, { userId: user.id, keyId: record.id, key });
    return seeOther(reply, `${userPath(request, user)}#new-key-panel`);
  });

  scope.get('/users/:userId/keys/:keyId/delete', async (request, reply) => {
    const user = await userOf(request);
    if (!user) return userNotFound(request, reply);
    const keyId = idParam(request, 'keyId');
    const key = keyId && (await store.getKey(user.id, keyId));
    if (!key) return keyNotFound(request, reply, user);
    return sendPage(
      reply,
      200,
      confirmDeleteKeyPage(signedInFrame(context, request), user, usage.withUnflushed(key), {
        list: userPath(request, user),
        view: keptListQuery(request),
      }),
    );
  });

  scope.post('/users/:userId/keys/:keyId/delete', async (request, reply) => {
    const user = await userOf(request);
    if (!user) return userNotFound(request, reply);
    const keyId = idParam(request, 'keyId');
    const deleted = keyId ? await store.deleteKey(user.id, keyId) : undefined;
    if (!deleted?.ok) return keyNotFound(request, reply, user);
    users.invalidate(user.username, deleted.revision);
    const back = `${userPath(request, user)}${keptListQuery(request)}`;
    return seeOther(reply, withNotice(back, 'key-deleted'));
  });
}
