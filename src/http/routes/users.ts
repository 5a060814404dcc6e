import { Type } from '@sinclair/typebox';
import type { UserRecord } from '../../domain/records.js';
import type { ApiContext } from '../context.js';
import { baseUrl } from '../links.js';
import { ObjectIdString, RenderQuery, serializedAs } from '../schemas/common.js';
import { toUserDocument, UserDocument } from '../schemas/user.js';
import type { Api } from './api.js';
import { targetUser, targetUserByName } from './target-user.js';

const UserParams = Type.Object({ userId: ObjectIdString });
const UsernameParams = Type.Object({ username: Type.String({ minLength: 1, maxLength: 256 }) });

/** `/users/{USER-ID}` and `/users/byName/{USER-NAME}`: how users find their own id. */
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
}
