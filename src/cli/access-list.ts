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
  user: string;
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

/**
 * The list an invocation names. Only `--user` today; a programmatic key's list will be
 * `--org ID --api-key ID`, resolved here beside it.
 */
async function ownerOf(store: Store, options: OwnerOptions): Promise<Owner> {
  // A username may itself look like an id: the id is tried first, then the name.
  const user =
    (isObjectId(options.user) ? await store.getUserById(options.user) : undefined) ??
    (await store.getUserByUsername(options.user));
  if (!user) throw new CliError(`no user named "${options.user}"`);
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
    "manage API access lists (the addresses a user's keys may be used from)",
  );
  const forOwner = (name: string, description: string) =>
    withCommonOptions(command.command(name).description(description)).requiredOption(
      '--user <name-or-id>',
      'the user whose personal keys the list gates',
    );

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
