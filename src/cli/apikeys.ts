import { Command } from 'commander';
import { integer } from '../config.js';
import {
  type ApiKeyRefusal,
  checkApiKeyChanges,
  issueOrgApiKey,
  MAX_API_KEY_DESC_LENGTH,
} from '../domain/org-api-keys.js';
import { resolveRealm } from '../domain/realm.js';
import { ORG_ROLES } from '../domain/records.js';
import { listPage } from '../http/pagination.js';
import { toOrgApiKeyDocument } from '../http/schemas/org-api-key.js';
import {
  apiBase,
  type CommonOptions,
  type LifetimeOptions,
  objectId,
  withCommonOptions,
  withExpiresIn,
  withMaxKeyLifetime,
  withStore,
} from './common.js';
import { CliError, emit, table } from './output.js';

interface OrgOptions extends CommonOptions {
  org: string;
}
interface ChangeOptions extends OrgOptions {
  desc?: string;
  role?: string[];
}
interface CreateOptions extends ChangeOptions, LifetimeOptions {
  quiet?: boolean;
}
interface KeyOptions extends ChangeOptions {
  id: string;
}
interface ListOptions extends OrgOptions {
  pageNum: number;
  itemsPerPage: number;
}

const REFUSED: Record<ApiKeyRefusal['error'], string> = {
  'invalid-desc': `--desc must be 1-${MAX_API_KEY_DESC_LENGTH} characters`,
  'missing-roles': 'give at least one --role',
  'unknown-role': `--role must be one of ${ORG_ROLES.join(', ')}`,
};

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The checked desc and roles, or the one-line error. */
function changes(options: ChangeOptions, creating: boolean) {
  const checked = checkApiKeyChanges({ desc: options.desc, roles: options.role }, creating);
  if (!checked.ok) throw new CliError(REFUSED[checked.error]);
  return checked.value;
}

/** `keyward apikeys`: an org's programmatic API keys, as `/orgs/{ORG-ID}/apiKeys` serves them. */
export function apiKeysCommand(): Command {
  const apiKeys = new Command('apikeys').description("manage an org's programmatic API keys");
  const forOrg = (name: string, description: string) =>
    withCommonOptions(apiKeys.command(name).description(description)).requiredOption(
      '--org <org-id>',
      'the organization',
      objectId,
    );
  const href = (options: OrgOptions, keyId: string) =>
    `${apiBase(options)}/orgs/${options.org}/apiKeys/${keyId}`;
  const withChanges = (command: Command, required: boolean) =>
    command
      .option('--desc <text>', `what the key is for (1-${MAX_API_KEY_DESC_LENGTH} characters)`)
      .option(
        `--role <role>`,
        `a role in the org (${ORG_ROLES.join(', ')}); repeat for several${required ? '' : '; replaces all'}`,
        collect,
      );

  withChanges(
    withMaxKeyLifetime(
      withExpiresIn(
        forOrg('create', 'create a key and print its private key (the only time it is shown)'),
      ),
    ),
    true,
  )
    .option('--quiet', 'print the private key alone (or the --json document), nothing on stderr')
    .action((options: CreateOptions) =>
      withStore(options, async (store) => {
        const { description = '', roles = [] } = changes(options, true);
        const realm = await resolveRealm(store, undefined);
        if (!realm.ok) throw new CliError('the database has no usable realm');
        const issued = await issueOrgApiKey(store, {
          orgId: options.org,
          description,
          roles,
          realm: realm.value,
          maxLifetimeMs: options.maxKeyLifetime,
          expiresInMs: options.expiresIn,
        });
        if (!issued.ok) throw new CliError('no organization has that id');
        const { record, privateKey } = issued.value;
        if (!options.quiet) {
          process.stderr.write(
            `created API key ${record.id}; copy the private key now: it is not stored and cannot be shown again\n`,
          );
        }
        const document = toOrgApiKeyDocument(record, href(options, record.id), privateKey);
        emit(!!options.json, document, () =>
          options.quiet
            ? privateKey
            : `public key:  ${record.publicKey}\nprivate key: ${privateKey}`,
        );
      }),
    );

  forOrg('list', "list an org's keys (private keys redacted)")
    .option('--page-num <n>', 'page number (1-based)', integer(1, 2_147_483_647), 1)
    .option('--items-per-page <n>', 'keys per page (at most 500)', integer(1, 500), 100)
    .action((options: ListOptions) =>
      withStore(options, async (store) => {
        const list = await listPage(
          `${apiBase(options)}/orgs/${options.org}/apiKeys`,
          options,
          (page) => store.listOrgApiKeys(options.org, page),
          (key) => ({ key, document: toOrgApiKeyDocument(key, href(options, key.id)) }),
        );
        const json = { ...list, results: list.results.map((r) => r.document) };
        emit(!!options.json, json, () =>
          table([
            ['ID', 'PUBLIC KEY', 'PRIVATE KEY', 'ROLES', 'USED', 'LAST USED', 'DESC'],
            ...list.results.map(({ key, document }) => [
              key.id,
              key.publicKey,
              document.privateKey,
              key.roles.join(','),
              String(key.usedCount),
              key.lastUsed ?? '-',
              key.description,
            ]),
          ]),
        );
      }),
    );

  withChanges(forOrg('update', "change a key's description and/or roles"), false)
    .requiredOption('--id <api-key-id>', 'the key id', objectId)
    .action((options: KeyOptions) =>
      withStore(options, async (store) => {
        const changed = await store.updateOrgApiKey(
          options.org,
          options.id,
          changes(options, false),
        );
        if (!changed.ok) throw new CliError(`the org has no API key ${options.id}`);
        const key = changed.value;
        emit(
          !!options.json,
          toOrgApiKeyDocument(key, href(options, key.id)),
          () => `updated API key ${key.id}`,
        );
      }),
    );

  forOrg('delete', 'delete a key: running servers refuse it within a revision poll')
    .requiredOption('--id <api-key-id>', 'the key id', objectId)
    .action((options: KeyOptions) =>
      withStore(options, async (store) => {
        if (!(await store.deleteOrgApiKey(options.org, options.id)).ok) {
          throw new CliError(`the org has no API key ${options.id}`);
        }
        emit(!!options.json, { deleted: options.id }, () => `deleted API key ${options.id}`);
      }),
    );

  return apiKeys;
}
