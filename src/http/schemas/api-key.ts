import { type Static, Type } from '@sinclair/typebox';
import { MAX_DURATION_MS } from '../../domain/expiry.js';
import { MAX_DESCRIPTION_LENGTH, obfuscateKey } from '../../domain/keys.js';
import type { ApiKeyRecord } from '../../domain/records.js';
import { ExpiresAtField, ExpiresInSecondsField, ListDocument, ObjectIdString } from './common.js';

// Properties are listed alphabetically: the serializer emits them in this order, as Atlas does.
const keyFields = {
  createdAt: Type.String({ description: 'When the key was created (UTC, second precision)' }),
  description: Type.String({ maxLength: MAX_DESCRIPTION_LENGTH }),
  enabled: Type.Boolean(),
  expiresAt: ExpiresAtField,
  id: ObjectIdString,
};

export const ApiKeyDocument = Type.Object(
  {
    ...keyFields,
    lastUsed: Type.Optional(Type.String({ description: 'Latest successful authentication' })),
    lastUsedAddress: Type.Optional(
      Type.String({ description: 'keyward extension: client address of the latest use' }),
    ),
    lastUsedUserAgent: Type.Optional(
      Type.String({ description: 'keyward extension: User-Agent of the latest use' }),
    ),
    obfuscatedKey: Type.String({ examples: ['********-****-****-92732876eeae'] }),
    usedCount: Type.Integer({ description: 'Successful authentications with this key' }),
    userId: ObjectIdString,
  },
  { description: 'A personal API key, obfuscated' },
);
export type ApiKeyDocument = Static<typeof ApiKeyDocument>;

/** The only document that carries the full key: the 201 answer to a create. */
export const CreatedApiKeyDocument = Type.Object(
  {
    ...keyFields,
    key: Type.String({ description: 'The full key. Shown once, never again.' }),
    usedCount: Type.Integer(),
    userId: ObjectIdString,
  },
  { description: 'The new key, in full: the only time it is shown' },
);
export type CreatedApiKeyDocument = Static<typeof CreatedApiKeyDocument>;

export const ApiKeyList = ListDocument(ApiKeyDocument, "A page of the user's keys");

export const CreateApiKeyBody = Type.Object(
  {
    description: Type.String({ maxLength: MAX_DESCRIPTION_LENGTH }),
    expiresInSeconds: ExpiresInSecondsField,
  },
  { additionalProperties: false },
);

/** keyward's own: `POST /users/{USER-ID}/keys/{KEY-ID}/roll`. */
export const RollApiKeyBody = Type.Object(
  {
    overlapSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_DURATION_MS / 1000,
        description: 'How long the old key keeps working (default 86400)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const UpdateApiKeyBody = Type.Object(
  { enabled: Type.Boolean() },
  { additionalProperties: false },
);

export function toApiKeyDocument(key: ApiKeyRecord): ApiKeyDocument {
  return {
    createdAt: key.createdAt,
    description: key.description,
    enabled: key.enabled,
    ...(key.expiresAt === undefined ? {} : { expiresAt: key.expiresAt }),
    id: key.id,
    ...(key.lastUsed === undefined ? {} : { lastUsed: key.lastUsed }),
    ...(key.lastUsedAddress === undefined ? {} : { lastUsedAddress: key.lastUsedAddress }),
    ...(key.lastUsedUserAgent === undefined ? {} : { lastUsedUserAgent: key.lastUsedUserAgent }),
    obfuscatedKey: obfuscateKey(key.suffix),
    usedCount: key.usedCount,
    userId: key.userId,
  };
}

export function toCreatedApiKeyDocument(key: ApiKeyRecord, fullKey: string): CreatedApiKeyDocument {
  return {
    createdAt: key.createdAt,
    description: key.description,
    enabled: key.enabled,
    ...(key.expiresAt === undefined ? {} : { expiresAt: key.expiresAt }),
    id: key.id,
    key: fullKey,
    usedCount: key.usedCount,
    userId: key.userId,
  };
}
