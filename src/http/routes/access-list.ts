import { type Static, type TProperties, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import {
  type AccessOwner,
  canonicalBlock,
  clientAddress,
  entryBlock,
  locksOutCaller,
  MAX_ACCESS_LIST_ENTRIES,
  type NewAccessEntry,
} from '../../domain/access-list.js';
import type { Revision } from '../../domain/records.js';
import { currentTimestamp } from '../../domain/time.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { selfHref } from '../links.js';
import { listPage } from '../pagination.js';
import {
  AccessListDocument,
  AccessListEntryDocument,
  AddAccessListBody,
  entryPathSegment,
  toAccessListEntryDocument,
} from '../schemas/access-list.js';
import { ListQuery, RenderQuery, serializedAs } from '../schemas/common.js';
import type { Api } from './api.js';

/** An access list's owner as one request resolved and authorized it. */
export interface ResolvedOwner {
  readonly owner: AccessOwner;
  /** Whether this list gates the caller's own request (its entry may not be removed). */
  readonly gatesCaller: boolean;
  /** This process's write produced `revision`: drop whatever caches the owner's list. */
  changed(revision: Revision): void;
}

/** Where an owner's lists live and who may edit them; all the rest is shared. */
export interface AccessListOwner {
  /** The owner's path, e.g. `/users/:userId`; the list is `…/accessList` and `…/whitelist`. */
  readonly path: string;
  /** The owner's path parameters: strings, as every path parameter is. */
  readonly params: TProperties;
  /** For the OpenAPI summaries, e.g. "a user's". */
  readonly whose: string;
  readonly notFound: 'ACCESS_LIST_ENTRY_NOT_FOUND' | 'API_KEY_ACCESS_LIST_ENTRY_NOT_FOUND';
  /** Resolves the owner and authorizes the caller, or throws (401 for anyone who may not). */
  resolve(request: FastifyRequest, params: PathParams): Promise<ResolvedOwner>;
}

type PathParams = Readonly<Record<string, string>>;

// The route schemas validated every path parameter as a string before a handler runs.
const paramsOf = (request: FastifyRequest) => request.params as PathParams;

/** Atlas' name, then the deprecated one it still answers to. */
export const ACCESS_LIST_NAMES = ['accessList', 'whitelist'] as const;

const addressRefused = (text: string | undefined) =>
  new ApiError(
    'INVALID_IP_ADDRESS_OR_CIDR_NOTATION',
    `The address ${text ?? 'null'} must be in valid IP address or CIDR notation.`,
    [text ?? 'null'],
  );

/** The blocks a POST body names, canonical and distinct, or the 400 Atlas gives (the console's too). */
export function blocksOf(body: Static<typeof AddAccessListBody>): NewAccessEntry[] {
  const created = currentTimestamp();
  const seen = new Set<string>();
  return body.map((item) => {
    const block = entryBlock(item);
    if (!block.ok) {
      if (block.error === 'both-given') {
        throw new ApiError(
          'BAD_WHITELIST_ADD_REQUEST',
          'Should not specify both the IP address and the CIDR block.',
        );
      }
      throw addressRefused(item.ipAddress ?? item.cidrBlock);
    }
    if (seen.has(block.value)) {
      throw new ApiError(
        'DUPLICATE_ADDRESSES_IN_INPUT',
        'Two or more of the IP addresses being added to the access list are the same.',
      );
    }
    seen.add(block.value);
    return { cidrBlock: block.value, comment: item.comment, created };
  });
}

export const tooManyEntries = () =>
  new ApiError(
    'TOO_MANY_ACCESS_LIST_ENTRIES',
    `An access list may hold at most ${MAX_ACCESS_LIST_ENTRIES} entries; remove some first.`,
  );

/**
 * `GET|POST {owner}/{accessList|whitelist}` and `GET|DELETE …/{IP-ADDRESS}` for one kind of
 * owner. The owner is resolved (and the caller authorized) before anything else is read,
 * so someone who may not see the list learns nothing about it, not even whether an
 * address is well-formed.
 */
export function accessListRoutes(api: Api, context: ApiContext, spec: AccessListOwner): void {
  const { store, accessUsage } = context;
  const OwnerParams = Type.Object(spec.params);
  const EntryParams = Type.Object({
    ...spec.params,
    address: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'An address or CIDR block, its / encoded as %2F',
    }),
  });

  const listOf = (request: FastifyRequest, owner: AccessOwner, query: ListQuery) => {
    // The list's URL without a trailing entry: POST answers with the list it changed.
    const href = selfHref(request, context.publicUrl);
    return listPage(
      href,
      query,
      (page) => store.listAccessEntries(owner, page),
      (entry) =>
        toAccessListEntryDocument(
          accessUsage.withUnflushed(owner, entry),
          `${href}/${entryPathSegment(entry.cidrBlock)}`,
        ),
    );
  };

  // Fastify has already decoded %2F in the path parameter.
  const blockOf = (address: string) => {
    const block = canonicalBlock(address);
    if (block === undefined) throw addressRefused(address);
    return block;
  };
  const notFound = (block: string) =>
    new ApiError(spec.notFound, `IP address ${block} not on the access list.`, [block]);

  for (const name of ACCESS_LIST_NAMES) {
    const list = `${spec.path}/${name}`;
    const entry = `${list}/:address`;
    const deprecated = name === 'whitelist';

    api.get(
      list,
      {
        schema: {
          summary: `List ${spec.whose} API access list`,
          deprecated,
          params: OwnerParams,
          querystring: ListQuery,
          response: { 200: serializedAs(AccessListDocument) },
        },
      },
      async (request) => {
        const { owner } = await spec.resolve(request, paramsOf(request));
        return listOf(request, owner, request.query);
      },
    );

    api.post(
      list,
      {
        schema: {
          summary: `Add addresses to ${spec.whose} API access list; answers with the whole list`,
          deprecated,
          params: OwnerParams,
          querystring: ListQuery,
          body: AddAccessListBody,
          response: { 201: serializedAs(AccessListDocument) },
        },
      },
      async (request, reply) => {
        const resolved = await spec.resolve(request, paramsOf(request));
        const added = await store.addAccessEntries(
          resolved.owner,
          blocksOf(request.body),
          MAX_ACCESS_LIST_ENTRIES,
        );
        if (!added.ok) throw tooManyEntries();
        resolved.changed(added.revision);
        reply.code(201);
        return listOf(request, resolved.owner, request.query);
      },
    );

    api.get(
      entry,
      {
        schema: {
          summary: `One entry of ${spec.whose} API access list`,
          deprecated,
          params: EntryParams,
          querystring: RenderQuery,
          response: { 200: serializedAs(AccessListEntryDocument) },
        },
      },
      async (request) => {
        const { owner } = await spec.resolve(request, paramsOf(request));
        const block = blockOf(paramsOf(request).address ?? '');
        const found = await store.getAccessEntry(owner, block);
        if (!found) throw notFound(block);
        const href = selfHref(request, context.publicUrl);
        return toAccessListEntryDocument(accessUsage.withUnflushed(owner, found), href);
      },
    );

    api.delete(
      entry,
      {
        schema: {
          summary: `Remove an entry from ${spec.whose} API access list`,
          deprecated,
          params: EntryParams,
          querystring: RenderQuery,
          response: { 204: Type.Null({ description: 'Removed; no body' }) },
        },
      },
      async (request, reply) => {
        const resolved = await spec.resolve(request, paramsOf(request));
        const block = blockOf(paramsOf(request).address ?? '');
        if (resolved.gatesCaller) {
          const blocks = await store.accessBlocks(resolved.owner);
          if (blocks.includes(block) && locksOutCaller(blocks, block, request.ip)) {
            const caller = clientAddress(request.ip) ?? request.ip;
            throw new ApiError(
              'CANNOT_REMOVE_CALLER_FROM_WHITELIST',
              `Cannot remove caller's IP address ${caller} from access list.`,
              [caller],
            );
          }
        }
        const deleted = await store.deleteAccessEntry(resolved.owner, block);
        if (!deleted.ok) throw notFound(block);
        resolved.changed(deleted.revision);
        return reply.code(204).send(null);
      },
    );
  }
}
