import { Command } from 'commander';
import { integer } from '../config.js';
import {
  type AccessOwner,
  canonicalBlock,
  MAX_ACCESS_LIST_ENTRIES,
} from '../domain/access-list.js';
import { isObjectId } from '../domain/ids.js';
import { currentTimestamp } from '../domain/time.js';
import { listPage } from '../http/pagination.js';
import {
  entryPathSegment,
  MAX_ACCESS_COMMENT_LENGTH,
  toAccessListEntryDocument,
} from '../http/schemas/access-list.js';
import type { Store } from '../store/store.js';
import { apiBase, type CommonOptions, withCommonOptions, withStore } from './common.js';
import { CliError, emit, table } from './output.js';

interface OwnerOptions extends CommonOptions {
  user?: string;
  org?: string;
  apiKey?: string;
}
interface AddressOptions extends OwnerOptions {
  address: string;
  comment?: string;
}
interface ListOptions extends OwnerOptions {
  pageNum: number;
  itemsPerPage: number;
}

interface Owner {
  readonly owner: AccessOwner;
  /** For messages: whose list it is. */
  readonly label: string;
  /** The list's URL under the API, for links in --json documents. */
  readonly href: string;
}

/** The list an invocation names: a user's (`--user`) or a programmatic key's (`--org --api-key`). */
async function ownerOf(store: Store, options: OwnerOptions): Promise<Owner> {
  const { user: name, org: orgId, apiKey: keyId } = options;
  if (name !== undefined) {
    if (orgId !== undefined || keyId !== undefined) {
      throw new CliError('name one owner: --user, or --org with --api-key');
    }
    return userOwner(store, name, options);
  }
  if (orgId === undefined || keyId === undefined) {
    throw new CliError('name the owner: --user, or --org with --api-key');
  }
  const key = isObjectId(orgId) && isObjectId(keyId) && (await store.getOrgApiKey(orgId, keyId));
  if (!key) throw new CliError(`no API key ${keyId} in org ${orgId}`);
  return {
    owner: { kind: 'apiKey', id: key.id },
    label: `API key ${key.publicKey}`,
    href: `${apiBase(options)}/orgs/${orgId}/apiKeys/${key.id}/accessList`,
  };
}

async function userOwner(store: Store, name: string, options: OwnerOptions): Promise<Owner> {
  // A username may itself look like an id: the id is tried first, then the name.
  const user =
    (isObjectId(name) ? await store.getUserById(name) : undefined) ??
    (await store.getUserByUsername(name));
  if (!user) throw new CliError(`no user named "${name}"`);
  return {
    owner: { kind: 'user', id: user.id },
    label: user.username,
    href: `${apiBase(options)}/users/${user.id}/accessList`,
  };
}

function blockOf(address: string): string {
  const block = canonicalBlock(address);
  if (block === undefined) throw new CliError(`${address} is no IP address or CIDR block`);
  return block;
}

export function accessListCommand(): Command {
  const command = new Command('accesslist').description(
    "manage API access lists (the addresses a user's keys, or a programmatic key, may be used from)",
  );
  const forOwner = (name: string, description: string) =>
    withCommonOptions(command.command(name).description(description))
      .option('--user <name-or-id>', 'the user whose personal keys the list gates')
      .option('--org <id>', "the programmatic key's org (with --api-key)")
      .option('--api-key <id>', 'the programmatic key the list gates (with --org)');

  forOwner('add', 'allow an address or CIDR block (an empty list allows every address)')
    .requiredOption('--address <address>', 'an IPv4 or IPv6 address, or a CIDR block')
    .option('--comment <text>', `a note (at most ${MAX_ACCESS_COMMENT_LENGTH} characters)`)
    .action((options: AddressOptions) =>
      withStore(options, async (store) => {
        if ((options.comment?.length ?? 0) > MAX_ACCESS_COMMENT_LENGTH)
          throw new CliError(`--comment is longer than ${MAX_ACCESS_COMMENT_LENGTH} characters`);
        const { owner, label, href } = await ownerOf(store, options);
        const cidrBlock = blockOf(options.address);
        const existed = await store.getAccessEntry(owner, cidrBlock);
        const entry = { cidrBlock, comment: options.comment, created: currentTimestamp() };
        const added = await store.addAccessEntries(owner, [entry], MAX_ACCESS_LIST_ENTRIES);
        if (!added.ok) {
          throw new CliError(
            `${label}'s access list holds ${MAX_ACCESS_LIST_ENTRIES} entries already`,
          );
        }
        const stored = await store.getAccessEntry(owner, cidrBlock);
        if (!stored) throw new CliError(`${label} was deleted meanwhile`);
        const document = toAccessListEntryDocument(
          stored,
          `${href}/${entryPathSegment(cidrBlock)}`,
        );
        emit(!!options.json, document, () =>
          existed
            ? `${cidrBlock} is already on ${label}'s access list`
            : `added ${cidrBlock} to ${label}'s access list`,
        );
      }),
    );

  forOwner('list', 'list the entries')
    .option('--page-num <n>', 'page number (1-based)', integer(1, 2_147_483_647), 1)
    .option('--items-per-page <n>', 'entries per page (at most 500)', integer(1, 500), 100)
    .action((options: ListOptions) =>
      withStore(options, async (store) => {
        const { owner, href } = await ownerOf(store, options);
        const list = await listPage(
          href,
          options,
          (page) => store.listAccessEntries(owner, page),
          (entry) =>
            toAccessListEntryDocument(entry, `${href}/${entryPathSegment(entry.cidrBlock)}`),
        );
        emit(!!options.json, list, () =>
          table([
            ['CIDR BLOCK', 'USED', 'LAST USED', 'LAST ADDRESS', 'COMMENT'],
            ...list.results.map((e) => [
              e.cidrBlock,
              String(e.count),
              e.lastUsed ?? '-',
              e.lastUsedAddress ?? '-',
              e.comment ?? '',
            ]),
          ]),
        );
      }),
    );

  forOwner('delete', 'remove an entry (removing the last one allows every address again)')
    .requiredOption('--address <address>', 'the address or CIDR block to remove')
    .action((options: AddressOptions) =>
      withStore(options, async (store) => {
        const { owner, label } = await ownerOf(store, options);
        const cidrBlock = blockOf(options.address);
        if (!(await store.deleteAccessEntry(owner, cidrBlock)).ok) {
          throw new CliError(`${cidrBlock} is not on ${label}'s access list`);
        }
        emit(
          !!options.json,
          { deleted: cidrBlock },
          () => `removed ${cidrBlock} from ${label}'s access list`,
        );
      }),
    );

  return command;
}
