import type { FastifyReply, FastifyRequest } from 'fastify';
import { mayAdminister } from '../../domain/access.js';
import type { ConsoleContext } from '../context.js';
import { idParam, seeOther, sendPage, signedInFrame } from '../requests.js';
import { messagePage } from '../views/messages.js';

/**
 * The guard in front of every page about other users, orgs and roles. To anyone but a
 * GLOBAL_OWNER they do not exist: the same 404 as a page that does not, so a URL tells
 * nothing about what is behind it. The one exception is one's own user page, which is
 * "My keys" for someone who may not see the others.
 */
export async function adminOnly(
  context: ConsoleContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  const actor = request.signedIn?.user;
  if (actor && mayAdminister(actor)) return undefined;
  if (
    actor &&
    request.method === 'GET' &&
    request.routeOptions.url === '/console/users/:userId' &&
    idParam(request, 'userId') === actor.id
  ) {
    return seeOther(reply, '/console/keys');
  }
  return sendPage(
    reply,
    404,
    messagePage(
      signedInFrame(context, request),
      'Not found',
      'There is no such page in the console.',
    ),
  );
}
