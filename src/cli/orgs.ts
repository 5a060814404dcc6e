import { Command } from 'commander';
import { newObjectId } from '../domain/ids.js';
import { toTimestamp } from '../domain/time.js';
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
        const name = options.name.trim();
        if (name.length === 0 || name.length > 256)
          throw new CliError('--name must be 1-256 characters');
        const created = await store.createOrg({
          id: newObjectId(),
          name,
          createdAt: toTimestamp(),
        });
        if (!created.ok) throw new CliError(`an organization named "${name}" already exists`);
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
