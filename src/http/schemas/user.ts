import { type Static, Type } from '@sinclair/typebox';
import { ORG_ROLES, type UserRecord } from '../../domain/records.js';
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

const OrgRoleName = Type.Union(
  ORG_ROLES.map((role) => Type.Literal(role)),
  { description: 'A role in the org' },
);

// Field rules (username, profile, password) are the domain's, so the API words a refusal as
// the console and the CLI do; the schemas only ask for strings.
export const CreateUserBody = Type.Object(
  {
    country: Type.Optional(
      Type.String({ pattern: '^[A-Z]{2}$', description: 'Accepted for Atlas clients; not kept' }),
    ),
    emailAddress: Type.String(),
    firstName: Type.String(),
    lastName: Type.String(),
    mobileNumber: Type.Optional(
      Type.String({ description: 'Accepted for Atlas clients; not kept' }),
    ),
    password: Type.Optional(Type.String({ description: 'A web console password' })),
    roles: Type.Array(
      Type.Object(
        { orgId: ObjectIdString, roleName: OrgRoleName },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100, description: 'Roles in orgs the caller owns' },
    ),
    username: Type.String(),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(
  {
    emailAddress: Type.Optional(Type.String()),
    firstName: Type.Optional(Type.String()),
    lastName: Type.Optional(Type.String()),
    // Named so that its refusal can say where passwords are set instead.
    password: Type.Optional(Type.String({ description: 'Refused: not changed through the API' })),
  },
  { additionalProperties: false },
);
