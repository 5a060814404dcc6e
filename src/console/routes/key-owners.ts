import type { FastifyReply, FastifyRequest } from 'fastify';
import { mayManageKeysOf } from '../../domain/access.js';
import { MAX_DESCRIPTION_LENGTH } from '../../domain/keys.js';
import type { UserRecord } from '../../domain/records.js';
import type { ConsoleContext } from '../context.js';
import { idParam } from '../requests.js';
import { notFound } from './refusals.js';

/** Why a key description is refused, or undefined if it is fine. */
export function descriptionProblem(description: string): string | undefined {
  if (description.trim() === '') return 'Say what the key is for.';
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    return `At most ${MAX_DESCRIPTION_LENGTH} characters.`;
  }
  return undefined;
}

/** Whose keys a `/users/:userId/keys/…` request may touch, and where it goes afterwards. */
export function keyOwners(context: ConsoleContext) {
  const { store } = context.api;
  return {
    // Decided before the lookup, from the path's id alone: another user's keys are "not
    // found" to a non-administrator, whether or not that user exists.
    userOf(request: FastifyRequest): Promise<UserRecord | undefined> | UserRecord | undefined {
      const actor = request.signedIn?.user;
      const userId = idParam(request, 'userId');
      if (!actor || !userId || !mayManageKeysOf(actor, userId)) return undefined;
      return userId === actor.id ? actor : store.getUserById(userId);
    },
    // One's own keys live on "My keys"; an administrator manages another's on their page.
    userPath(request: FastifyRequest, user: UserRecord): string {
      return user.id === request.signedIn?.user.id ? '/console/keys' : `/console/users/${user.id}`;
    },
    userNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
      return notFound(context, request, reply, 'There is no user with that id');
    },
    keyNotFound(request: FastifyRequest, reply: FastifyReply, user: UserRecord): FastifyReply {
      return notFound(context, request, reply, `${user.username} has no such key`);
    },
  };
}
