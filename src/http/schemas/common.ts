import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { MAX_DURATION_MS } from '../../domain/expiry.js';

/** Path ids are 24-hex ObjectIds; anything else is INVALID_PATH_PARAMETER, not a 404. */
export const ObjectIdString = Type.String({
  pattern: '^[0-9a-f]{24}$',
  description: '24-hex ObjectId',
});

/** Query booleans accept exactly `true` and `false`; anything else is a 400. */
export const BooleanQuery = Type.Union([Type.Literal('true'), Type.Literal('false')]);

/** Accepted by every resource; read before routing by the renderer, validated here. */
export const RenderQuery = Type.Object({
  pretty: Type.Optional(BooleanQuery),
  envelope: Type.Optional(BooleanQuery),
});

// pageNum is bounded so that (pageNum - 1) * itemsPerPage stays an exact integer in SQL.
export const ListQuery = Type.Composite([
  RenderQuery,
  Type.Object({
    pageNum: Type.Integer({ minimum: 1, maximum: 2_147_483_647, default: 1 }),
    itemsPerPage: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
    includeCount: Type.Optional(BooleanQuery),
  }),
]);
export type ListQuery = Static<typeof ListQuery>;

export const Link = Type.Object({
  href: Type.String({ description: 'Absolute URL' }),
  rel: Type.String({ description: 'self, previous or next' }),
});
export type Link = Static<typeof Link>;

/** The Atlas list wrapper: `links`, `results`, and `totalCount` unless includeCount=false. */
export function ListDocument<T extends TSchema>(item: T, description: string) {
  return Type.Object(
    {
      links: Type.Array(Link),
      results: Type.Array(item),
      totalCount: Type.Optional(Type.Integer({ description: 'Omitted when includeCount=false' })),
    },
    { description },
  );
}

// keyward's expiry extension (Atlas keys never expire), the same on personal and programmatic
// keys: `expiresAt` is absent when the key does not expire.
export const ExpiresAtField = Type.Optional(
  Type.String({ description: 'keyward extension: when the key stops authenticating (UTC)' }),
);
export const ExpiresInSecondsField = Type.Optional(
  Type.Integer({
    minimum: 1,
    maximum: MAX_DURATION_MS / 1000,
    description:
      'keyward extension: the key expires this long after its creation (at most --max-key-lifetime)',
  }),
);

// Serializer copy → the schema it came from, which is what the OpenAPI document shows.
const originals = new WeakMap<object, TSchema>();

/**
 * The schema as the response serializer should see it. fast-json-stringify emits required
 * properties first; without `required` it keeps the declared (Atlas, alphabetical) order and
 * still omits absent fields.
 */
export function serializedAs<T extends TSchema>(schema: T): T {
  const copy = withoutRequired(schema) as T;
  originals.set(copy, schema);
  return copy;
}

/** The schema to document for a route's response: the original, `required` lists and all. */
export function documented(schema: unknown): unknown {
  return (typeof schema === 'object' && schema !== null && originals.get(schema)) || schema;
}

function withoutRequired(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutRequired);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'required')
      .map(([key, inner]) => [key, withoutRequired(inner)]),
  );
}
