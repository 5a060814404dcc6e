import { type Static, Type } from '@sinclair/typebox';
import { obfuscateKey } from '../../domain/keys.js';
import { MAX_API_KEY_DESC_LENGTH } from '../../domain/org-api-keys.js';
import type { OrgApiKeyRecord } from '../../domain/records.js';
import {
  ExpiresAtField,
  ExpiresInSecondsField,
  Link,
  ListDocument,
  ObjectIdString,
} from './common.js';

// An org's programmatic API key, as Atlas sends it. Properties alphabetical, as Atlas does.

export const OrgApiKeyRole = Type.Object({
  orgId: ObjectIdString,
  roleName: Type.String({ examples: ['ORG_OWNER', 'ORG_MEMBER'] }),
});

export const OrgApiKeyDocument = Type.Object(
  {
    desc: Type.String(),
    expiresAt: ExpiresAtField,
    id: ObjectIdString,
    links: Type.Array(Link),
    privateKey: Type.String({
      description:
        'The private key: in full only in the answer to its create, elsewhere redacted to its last 12 characters',
      examples: ['********-****-****-db2c132ca78d'],
    }),
    publicKey: Type.String({ description: 'The Digest username', examples: ['ewmaqvdo'] }),
    roles: Type.Array(OrgApiKeyRole),
  },
  { description: 'A programmatic API key of an organization' },
);
export type OrgApiKeyDocument = Static<typeof OrgApiKeyDocument>;

export const OrgApiKeyList = ListDocument(
  OrgApiKeyDocument,
  "A page of the organization's programmatic API keys",
);

// `desc` and `roles` are optional in the schema so that their absence is the Atlas codes
// INVALID_API_KEY_DESC and MISSING_API_KEY_ROLES (src/domain/org-api-keys.ts), not a
// generic MISSING_ATTRIBUTE; their types are still checked here.
const changeFields = {
  desc: Type.Optional(Type.String({ description: `1-${MAX_API_KEY_DESC_LENGTH} characters` })),
  roles: Type.Optional(
    Type.Array(Type.String({ examples: ['ORG_MEMBER'] }), { description: 'Roles in the org' }),
  ),
};

export const CreateOrgApiKeyBody = Type.Object(
  { ...changeFields, expiresInSeconds: ExpiresInSecondsField },
  { additionalProperties: false, description: '`desc` and `roles` are required' },
);

export const UpdateOrgApiKeyBody = Type.Object(changeFields, {
  additionalProperties: false,
  description: 'Either field, or both',
});

/** `privateKey` is the full key for a create's answer; otherwise it is redacted. */
export function toOrgApiKeyDocument(
  key: OrgApiKeyRecord,
  selfHref: string,
  privateKey?: string,
): OrgApiKeyDocument {
  return {
    desc: key.description,
    ...(key.expiresAt === undefined ? {} : { expiresAt: key.expiresAt }),
    id: key.id,
    links: [{ href: selfHref, rel: 'self' }],
    privateKey: privateKey ?? obfuscateKey(key.suffix),
    publicKey: key.publicKey,
    roles: key.roles.map((roleName) => ({ orgId: key.orgId, roleName })),
  };
}
