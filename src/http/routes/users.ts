import { Type } from '@sinclair/typebox';
import { mayCreateUserIn } from '../../domain/access.js';
import { hashPassword } from '../../domain/passwords.js';
import type { UserRecord } from '../../domain/records.js';
import { createUser, isValidUsername, updateProfile } from '../../domain/users.js';
import type { ApiContext } from '../context.js';
import { ApiError, unauthorized } from '../errors.js';
import { baseUrl } from '../links.js';
import {
  invalidUsername,
  passwordNotChangeable,
  passwordRefusal,
  profileRefusal,
  refusedProfile,
} from '../refusals.js';
import { ObjectIdString, RenderQuery, serializedAs } from '../schemas/common.js';
import { CreateUserBody, toUserDocument, UpdateUserBody, UserDocument } from '../schemas/user.js';
import type { Api } from './api.js';
import { targetUser, targetUserByName } from './target-user.js';

const UserParams = Type.Object({ userId: ObjectIdString });
const UsernameParams = Type.Object({ username: Type.String({ minLength: 1, maxLength: 256 }) });

/** `/users`, `/users/{USER-ID}` and `/users/byName/{USER-NAME}`. */
export function userRoutes(api: Api, context: ApiContext): void {
  const { store } = context;
  const document = (request: Parameters<typeof baseUrl>[0], user: UserRecord) =>
    toUserDocument(user, `${baseUrl(request, context.publicUrl)}${api.prefix}/users/${user.id}`);

  api.get(
    '/users/:userId',
    {
      schema: {
        summary: 'A user, by id',
        params: UserParams,
        querystring: RenderQuery,
        response: { 200: serializedAs(UserDocument) },
      },
    },
    async (request) => {
      const user = await targetUser(store, request.principal, request.params.userId);
      return document(request, user);
    },
  );

  api.get(
    '/users/byName/:username',
    {
      schema: {
        summary: 'A user, by username: how users find their own id',
        params: UsernameParams,
        querystring: RenderQuery,
        response: { 200: serializedAs(UserDocument) },
      },
    },
    async (request) => {
      const user = await targetUserByName(store, request.principal, request.params.username);
      return document(request, user);
    },
  );

  api.post(
    '/users',
    {
      schema: {
        summary: 'Create a user with roles in orgs the caller owns',
        querystring: RenderQuery,
        body: CreateUserBody,
        response: { 201: serializedAs(UserDocument) },
      },
    },
    async (request, reply) => {
      const { principal, body } = request;
      const orgIds = body.roles.map((role) => role.orgId);
      if (!principal || !mayCreateUserIn(principal, orgIds)) throw unauthorized();
      if (new Set(orgIds).size !== orgIds.length) {
        throw new ApiError(
          'INVALID_ATTRIBUTE',
          'Invalid attribute roles specified: at most one role per organization.',
          ['roles'],
        );
      }
      // The domain checks these again in createUser; here they come before the password's
      // scrypt, which a refused request should not cost.
      if (!isValidUsername(body.username)) throw invalidUsername(body.username);
      const profile = {
        firstName: body.firstName,
        lastName: body.lastName,
        emailAddress: body.emailAddress,
      };
      const refused =
        profileRefusal(profile) ??
        (body.password === undefined ? undefined : passwordRefusal(body.password));
      if (refused) throw refused;
      const passwordHash =
        body.password === undefined ? undefined : await hashPassword(body.password);
      const created = await createUser(store, {
        username: body.username,
        ...profile,
        orgRoles: body.roles,
        ...(passwordHash ? { passwordHash } : {}),
      });
      if (!created.ok) {
        switch (created.error) {
          case 'username-taken':
            throw new ApiError(
              'USER_ALREADY_EXISTS',
              `A user with username ${body.username} already exists.`,
              [body.username],
            );
          case 'org-not-found':
            throw unauthorized();
          case 'invalid-username':
            throw invalidUsername(body.username);
          case 'invalid-profile':
            throw refusedProfile(profile);
        }
      }
      // The name may be cached as unknown (someone tried it before it existed).
      context.users.invalidate(created.value.username, created.revision);
      reply.code(201);
      return document(request, created.value);
    },
  );

  api.patch(
    '/users/:userId',
    {
      schema: {
        summary: "Change a user's name or email address (one's own; a GLOBAL_OWNER, anyone's)",
        params: UserParams,
        querystring: RenderQuery,
        body: UpdateUserBody,
        response: { 200: serializedAs(UserDocument) },
      },
    },
    async (request) => {
      const user = await targetUser(store, request.principal, request.params.userId);
      const { password, ...changes } = request.body;
      if (password !== undefined) throw passwordNotChangeable();
      const updated = await updateProfile(store, user.id, changes);
      if (!updated.ok) {
        throw updated.error === 'invalid-profile' ? refusedProfile(changes) : unauthorized();
      }
      context.users.invalidate(user.username, updated.revision);
      return document(request, updated.value);
    },
  );
}
