import { type Static, Type } from '@sinclair/typebox';
import type { OrgRecord } from '../../domain/records.js';
import { Link, ListDocument, ObjectIdString } from './common.js';

// Properties in Atlas's (alphabetical) order; `isDeleted` is always false here, since a
// deleted org is gone, but Atlas clients expect the field.
export const OrgDocument = Type.Object(
  {
    id: ObjectIdString,
    isDeleted: Type.Boolean({ description: 'Always false: deleted orgs are not kept' }),
    links: Type.Array(Link),
    name: Type.String(),
  },
  { description: 'An organization' },
);
export type OrgDocument = Static<typeof OrgDocument>;

export const OrgList = ListDocument(OrgDocument, 'A page of the organizations the caller is in');

// The name's rules are the domain's (src/domain/orgs.ts), so the API words them as the
// console and the CLI do; the schema only asks for a string.
export const RenameOrgBody = Type.Object(
  { name: Type.String({ description: 'The new name (unique, 1-256 characters once trimmed)' }) },
  { additionalProperties: false },
);

/** `selfHref` is the absolute URL of this org under the API base the request used. */
export function toOrgDocument(org: OrgRecord, selfHref: string): OrgDocument {
  return { id: org.id, isDeleted: false, links: [{ href: selfHref, rel: 'self' }], name: org.name };
}
