import { Command } from 'commander';
import { createOrg, ORG_NAME_PROBLEMS } from '../domain/orgs.js';
import { type CommonOptions, objectId, withCommonOptions, withStore } from './common.js';
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
            created.error === 'name-taken'
              ? `an organization named "${options.name.trim()}" already exists`
              : `--name: ${ORG_NAME_PROBLEMS[created.error]}`,
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

  withCommonOptions(
    orgs.command('delete').description('delete an organization; its members stay, without it'),
  )
    .requiredOption('--id <org-id>', 'the organization', objectId)
    .action((options: CommonOptions & { id: string }) =>
      withStore(options, async (store) => {
        const org = await store.getOrg(options.id);
        const members = await store.listOrgUsers(options.id, {
          offset: 0,
          limit: 1,
          includeCount: true,
        });
        if (!org || !(await store.deleteOrg(org.id)).ok)
          throw new CliError('no organization has that id');
        emit(
          !!options.json,
          { deleted: org.id, name: org.name, membershipsRemoved: members.total },
          () => `deleted organization ${org.name} (${org.id}); ${members.total} member(s) left it`,
        );
      }),
    );

  return orgs;
}
