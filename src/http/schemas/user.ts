import { type Static, Type } from '@sinclair/typebox';
import type { UserRecord } from '../../domain/records.js';
import { Link, ListDocument, ObjectIdString } from './common.js';

export const RoleAssignment = Type.Object({
  orgId: Type.Optional(ObjectIdString),
  roleName: Type.String({ examples: ['ORG_OWNER', 'GLOBAL_OWNER'] }),
});

export const UserDocument = Type.Object(
  {
    emailAddress: Type.String(),
    firstName: Type.String(),
    id: ObjectIdString,
    lastName: Type.String(),
    links: Type.Array(Link),
    roles: Type.Array(RoleAssignment),
    username: Type.String(),
  },
  { description: 'A user' },
);
export type UserDocument = Static<typeof UserDocument>;

export const UserList = ListDocument(UserDocument, "A page of the organization's users");

/** `selfHref` is the absolute URL of this user under the API base the request used. */
export function toUserDocument(user: UserRecord, selfHref: string): UserDocument {
  return {
    emailAddress: user.emailAddress,
    firstName: user.firstName,
    id: user.id,
    lastName: user.lastName,
    links: [{ href: selfHref, rel: 'self' }],
    roles: [
      ...user.orgRoles.map((role) => ({ orgId: role.orgId, roleName: role.roleName })),
      ...user.globalRoles.map((roleName) => ({ roleName })),
    ],
    username: user.username,
  };
}
