import type { FastifyInstance } from 'fastify';
import type { ConsoleContext } from '../context.js';
import { idParam, seeOther, sendPage, signedInFrame, text } from '../requests.js';
import { editDescriptionPage } from '../views/key-description.js';
import { withNotice } from '../views/notices.js';
import { descriptionProblem, keyOwners } from './key-owners.js';

/** Renaming a key: on its own page, so the keys table gains only a link. */
export function keyDescriptionRoutes(scope: FastifyInstance, context: ConsoleContext): void {
  const { store, users } = context.api;
  const { userOf, userPath, userNotFound, keyNotFound } = keyOwners(context);

  scope.get('/users/:userId/keys/:keyId/edit', async (request, reply) => {
    const user = await userOf(request);
    if (!user) return userNotFound(request, reply);
    const keyId = idParam(request, 'keyId');
    const key = keyId && (await store.getKey(user.id, keyId));
    if (!key) return keyNotFound(request, reply, user);
    const frame = signedInFrame(context, request);
    return sendPage(
      reply,
      200,
      editDescriptionPage(frame, { user, key, back: userPath(request, user) }),
    );
  });

  scope.post('/users/:userId/keys/:keyId/description', async (request, reply) => {
    const user = await userOf(request);
    if (!user) return userNotFound(request, reply);
    const keyId = idParam(request, 'keyId');
    const description = text(request.body, 'description');
    const problem = descriptionProblem(description);
    if (problem) {
      const key = keyId && (await store.getKey(user.id, keyId));
      if (!key) return keyNotFound(request, reply, user);
      const frame = signedInFrame(context, request);
      const form = { values: { description }, problems: { description: problem } };
      const view = { user, key, back: userPath(request, user), ...form };
      return sendPage(reply, 400, editDescriptionPage(frame, view));
    }
    const changed = keyId ? await store.setKeyDescription(user.id, keyId, description) : undefined;
    if (!changed?.ok) return keyNotFound(request, reply, user);
    users.invalidate(user.username, changed.revision);
    return seeOther(reply, withNotice(userPath(request, user), 'key-renamed'));
  });
}
