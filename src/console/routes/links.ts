import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { UserRecord } from '../../domain/records.js';
import { baseUrl } from '../../http/links.js';
import type { ConsoleContext } from '../context.js';
import { issueConsoleLink, LINK_REVEAL_ID } from '../links.js';
import { seeOther } from '../requests.js';
import { withNotice } from '../views/notices.js';
import { userNotFound } from './refusals.js';
import { userOf } from './user-page.js';

/**
 * Issues the user a one-time link (an invitation without a password, a reset with one) and
 * leaves it, sealed like a new key, for this session's next view of their page. False if
 * the user was deleted meanwhile.
 */
export async function issueLinkFor(
  context: ConsoleContext,
  request: FastifyRequest,
  user: UserRecord,
): Promise<boolean> {
  const { store, publicUrl } = context.api;
  const hasPassword = (await store.getPasswordHash(user.username)) !== undefined;
  const issued = await issueConsoleLink(store, {
    user,
    purpose: hasPassword ? 'reset' : 'invite',
    base: baseUrl(request, publicUrl),
  });
  const signedIn = request.signedIn;
  if (!issued || !signedIn) return false;
  await context.reveals.put(signedIn.id, {
    userId: user.id,
    keyId: LINK_REVEAL_ID,
    key: issued.url,
  });
  return true;
}

/** An administrator's invitation and reset links, from the user's page. */
export function linkRoutes(scope: FastifyInstance, context: ConsoleContext): void {
  scope.post('/users/:userId/link', async (request, reply) => {
    const user = await userOf(context, request);
    if (!user || !(await issueLinkFor(context, request, user))) {
      return userNotFound(context, request, reply);
    }
    return seeOther(reply, withNotice(`/console/users/${user.id}`, 'link-issued'));
  });
}
