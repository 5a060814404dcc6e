import { type Static, Type } from '@sinclair/typebox';
import {
  type AccessListEntry,
  MAX_ACCESS_LIST_ENTRIES,
  singleAddress,
} from '../../domain/access-list.js';
import { Link, ListDocument } from './common.js';

/** Longer comments are refused: a note beside an address, as in Atlas' own lists. */
export const MAX_ACCESS_COMMENT_LENGTH = 250;
/** Entries per POST: no more than a list may hold (src/domain/access-list.ts). */
export const MAX_ENTRIES_PER_POST = MAX_ACCESS_LIST_ENTRIES;

// Properties alphabetically: the serializer emits them in this order, as Atlas does.
export const AccessListEntryDocument = Type.Object(
  {
    cidrBlock: Type.String({ examples: ['203.0.113.0/24', '203.0.113.7/32'] }),
    comment: Type.Optional(Type.String()),
    count: Type.Integer({ description: 'Authenticated requests admitted through this entry' }),
    created: Type.String({ description: 'When the entry was added (UTC, second precision)' }),
    ipAddress: Type.Optional(Type.String({ description: 'Present for a single address' })),
    lastUsed: Type.Optional(Type.String({ description: 'Latest request admitted through it' })),
    lastUsedAddress: Type.Optional(Type.String({ description: 'The address of that request' })),
    links: Type.Array(Link),
  },
  { description: 'An API access-list entry: an address or CIDR block allowed to use the keys' },
);
export type AccessListEntryDocument = Static<typeof AccessListEntryDocument>;

export const AccessListDocument = ListDocument(AccessListEntryDocument, 'A page of an access list');

const address = Type.String({ maxLength: 100 });
export const AddAccessListBody = Type.Array(
  Type.Object(
    {
      cidrBlock: Type.Optional(address),
      comment: Type.Optional(Type.String({ maxLength: MAX_ACCESS_COMMENT_LENGTH })),
      ipAddress: Type.Optional(address),
    },
    { additionalProperties: false },
  ),
  {
    maxItems: MAX_ENTRIES_PER_POST,
    description: 'Always an array, even for one entry; each with ipAddress or cidrBlock',
  },
);

/** A block's `/` encoded as `%2F`, as entry paths carry it. */
export const entryPathSegment = (cidrBlock: string) => cidrBlock.replace('/', '%2F');

/** `selfHref` is the absolute URL of this entry. */
export function toAccessListEntryDocument(
  entry: AccessListEntry,
  selfHref: string,
): AccessListEntryDocument {
  const single = singleAddress(entry.cidrBlock);
  return {
    cidrBlock: entry.cidrBlock,
    ...(entry.comment === undefined ? {} : { comment: entry.comment }),
    count: entry.count,
    created: entry.created,
    ...(single === undefined ? {} : { ipAddress: single }),
    ...(entry.lastUsed === undefined ? {} : { lastUsed: entry.lastUsed }),
    ...(entry.lastUsedAddress === undefined ? {} : { lastUsedAddress: entry.lastUsedAddress }),
    links: [{ href: selfHref, rel: 'self' }],
  };
}
