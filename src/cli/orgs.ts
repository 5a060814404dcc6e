import { Command } from 'commander';
import { createOrg, MAX_ORG_NAME_LENGTH } from '../domain/orgs.js';
import { type CommonOptions, withCommonOptions, withStore } from './common.js';
import { CliError, emit, table } from './output.js';

interface CreateOptions extends CommonOptions {
  name: string;
}

export function orgsCommand(): Command {
  const orgs = new Command('orgs').description('manage organizations');

  withCommonOptions(orgs.command('create').description('create an organization'))
    .requiredOption('--name <name>', 'organization name (unique)')
    .action((options: CreateOptions) =>
      withStore(options, async (store) => {
        const created = await createOrg(store, options.name);
        if (!created.ok) {
          throw new CliError(
            created.error === 'invalid-name'
              ? `--name must be 1-${MAX_ORG_NAME_LENGTH} characters`
              : `an organization named "${options.name.trim()}" already exists`,
          );
        }
        const org = created.value;
        emit(!!options.json, org, () => `created organization ${org.name} with id ${org.id}`);
      }),
    );

  withCommonOptions(orgs.command('list').description('list organizations')).action(
    (options: CommonOptions) =>
      withStore(options, async (store) => {
        const page = await store.listOrgs({ offset: 0, limit: 10_000, includeCount: true });
        emit(!!options.json, { results: page.items, totalCount: page.total }, () =>
          table([['ID', 'NAME', 'CREATED'], ...page.items.map((o) => [o.id, o.name, o.createdAt])]),
        );
      }),
  );

  return orgs;
}
