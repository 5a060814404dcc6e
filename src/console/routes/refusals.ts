import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConsoleContext } from '../context.js';
import { sendPage, signedInFrame } from '../requests.js';
import { messagePage } from '../views/messages.js';

// The pages a signed-in administrator gets instead of the one they asked for.

/** 404: the user, org or key in the path does not exist (perhaps deleted meanwhile). */
export function notFound(
  context: ConsoleContext,
  request: FastifyRequest,
  reply: FastifyReply,
  what: string,
): FastifyReply {
  return sendPage(
    reply,
    404,
    messagePage(signedInFrame(context, request), 'Not found', `${what}; it may have been deleted.`),
  );
}

export const userNotFound = (
  context: ConsoleContext,
  request: FastifyRequest,
  reply: FastifyReply,
) => notFound(context, request, reply, 'There is no user with that id');

/** 409 for what an administrator may not do to the account they are signed in with. */
export function notOnYourself(
  context: ConsoleContext,
  request: FastifyRequest,
  reply: FastifyReply,
  action: string,
): FastifyReply {
  return sendPage(
    reply,
    409,
    messagePage(
      signedInFrame(context, request),
      'Not on your own account',
      `You cannot ${action} the account you are signed in with; another administrator can.`,
    ),
  );
}
