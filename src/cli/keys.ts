import { Command, Option } from 'commander';
import { duration, integer } from '../config.js';
import { issueKey, MAX_DESCRIPTION_LENGTH, rollKey } from '../domain/keys.js';
import { resolveRealm } from '../domain/realm.js';
import type { ApiKeyRecord } from '../domain/records.js';
import { listPage } from '../http/pagination.js';
import { toApiKeyDocument, toCreatedApiKeyDocument } from '../http/schemas/api-key.js';
import {
  apiBase,
  type CommonOptions,
  findUser,
  type LifetimeOptions,
  objectId,
  withCommonOptions,
  withExpiresIn,
  withMaxKeyLifetime,
  withStore,
} from './common.js';
import { CliError, emit, table } from './output.js';

interface UserOptions extends CommonOptions {
  username: string;
}
interface LimitOptions extends UserOptions, LifetimeOptions {
  maxKeysPerUser: number;
  quiet?: boolean;
}
interface CreateOptions extends LimitOptions {
  description: string;
}
interface RollOptions extends LimitOptions {
  id: string;
  overlap: number;
}
interface KeyOptions extends UserOptions {
  id: string;
}
interface ListOptions extends UserOptions {
  pageNum: number;
  itemsPerPage: number;
}

export function keysCommand(): Command {
  const keys = new Command('keys').description("manage a user's API keys");
  const forUser = (name: string, description: string) =>
    withCommonOptions(keys.command(name).description(description)).requiredOption(
      '--username <name>',
      'the key owner',
    );

  // The server's limits, read from the same environment variables as `keyward serve`.
  const withLimits = (command: Command) =>
    withMaxKeyLifetime(command)
      .addOption(
        new Option('--max-keys-per-user <number>', 'refuse when the user already holds this many')
          .env('KEYWARD_MAX_KEYS_PER_USER')
          .default(100)
          .argParser(integer(1, 10_000)),
      )
      .option('--quiet', 'no explanation on stderr: only the key (or --json document) on stdout');

  const create = forUser(
    'create',
    'create a key and print it alone on stdout (the only time it is shown)',
  ).requiredOption(
    '--description <text>',
    `what the key is for (at most ${MAX_DESCRIPTION_LENGTH} characters)`,
  );
  withLimits(withExpiresIn(create)).action((options: CreateOptions) =>
    withStore(options, async (store) => {
      if (options.description.length > MAX_DESCRIPTION_LENGTH)
        throw new CliError(`--description is longer than ${MAX_DESCRIPTION_LENGTH} characters`);
      const user = await findUser(store, options.username);
      const realm = await resolveRealm(store, undefined);
      if (!realm.ok) throw new CliError('the database has no usable realm');
      const issued = await issueKey(store, {
        user,
        description: options.description,
        realm: realm.value,
        maxKeysPerUser: options.maxKeysPerUser,
        maxLifetimeMs: options.maxKeyLifetime,
        expiresInMs: options.expiresIn,
      });
      if (!issued.ok) throw new CliError(`${user.username} already holds the most keys allowed`);
      showNewKey(options, user.username, issued.value.record, issued.value.key, 'created');
    }),
  );

  withLimits(
    forUser('roll', 'replace a key: print a new one, and let the old one expire after --overlap')
      .requiredOption('--id <key-id>', 'the key to replace', objectId)
      .option('--overlap <duration>', 'how long the old key keeps working', duration, 86_400_000),
  ).action((options: RollOptions) =>
    withStore(options, async (store) => {
      const user = await findUser(store, options.username);
      const realm = await resolveRealm(store, undefined);
      if (!realm.ok) throw new CliError('the database has no usable realm');
      const rolled = await rollKey(store, {
        user,
        keyId: options.id,
        realm: realm.value,
        maxKeysPerUser: options.maxKeysPerUser,
        maxLifetimeMs: options.maxKeyLifetime,
        overlapMs: options.overlap,
      });
      if (!rolled.ok) {
        throw new CliError(
          rolled.error === 'key-not-found'
            ? `${user.username} has no key ${options.id}`
            : `${user.username} already holds the most keys allowed`,
        );
      }
      const { record, key, old } = rolled.value;
      showNewKey(
        options,
        user.username,
        record,
        key,
        `rolled ${old.id} (expires ${old.expiresAt}) into`,
      );
    }),
  );

  forUser('list', "list a user's keys (obfuscated)")
    .option('--page-num <n>', 'page number (1-based)', integer(1, 2_147_483_647), 1)
    .option('--items-per-page <n>', 'keys per page (at most 500)', integer(1, 500), 100)
    .action((options: ListOptions) =>
      withStore(options, async (store) => {
        const user = await findUser(store, options.username);
        const list = await listPage(
          `${apiBase(options)}/users/${user.id}/keys`,
          options,
          (page) => store.listKeys(user.id, page),
          toApiKeyDocument,
        );
        emit(!!options.json, list, () =>
          table([
            ['ID', 'KEY', 'ENABLED', 'EXPIRES', 'USED', 'LAST USED', 'FROM', 'DESCRIPTION'],
            ...list.results.map((k) => [
              k.id,
              k.obfuscatedKey,
              String(k.enabled),
              k.expiresAt ?? '-',
              String(k.usedCount),
              k.lastUsed ?? '-',
              k.lastUsedAddress ?? '-',
              k.description,
            ]),
          ]),
        );
      }),
    );

  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    forUser(name, `${name} a key`)
      .requiredOption('--id <key-id>', 'the key id', objectId)
      .action((options: KeyOptions) =>
        withStore(options, async (store) => {
          const user = await findUser(store, options.username);
          const changed = await store.setKeyEnabled(user.id, options.id, enabled);
          if (!changed.ok) throw new CliError(`${user.username} has no key ${options.id}`);
          const key = changed.value;
          emit(!!options.json, toApiKeyDocument(key), () => `${name}d key ${key.id}`);
        }),
      );
  }

  forUser('delete', 'delete a key for good')
    .requiredOption('--id <key-id>', 'the key id', objectId)
    .action((options: KeyOptions) =>
      withStore(options, async (store) => {
        const user = await findUser(store, options.username);
        if (!(await store.deleteKey(user.id, options.id)).ok) {
          throw new CliError(`${user.username} has no key ${options.id}`);
        }
        emit(!!options.json, { deleted: options.id }, () => `deleted key ${options.id}`);
      }),
    );

  return keys;
}

/** The key alone on stdout, so `KEY=$(keyward keys create …)` captures just the key. */
function showNewKey(
  options: LimitOptions,
  username: string,
  record: ApiKeyRecord,
  key: string,
  done: string,
): void {
  if (!options.quiet) {
    const expiry = record.expiresAt ? ` expiring ${record.expiresAt}` : '';
    process.stderr.write(
      `${done} key ${record.id}${expiry} for ${username}; copy it now: it is not stored and cannot be shown again\n`,
    );
  }
  emit(!!options.json, toCreatedApiKeyDocument(record, key), () => key);
}
