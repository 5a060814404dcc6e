import { type Command, Option } from 'commander';
import { onOff } from '../config.js';
import { ORG_ROLES, type OrgRole, type Outcome, type UserRecord } from '../domain/records.js';
import { toUserDocument } from '../http/schemas/user.js';
import {
  apiBase,
  type CommonOptions,
  findUser,
  objectId,
  withCommonOptions,
  withStore,
} from './common.js';
import { CliError, emit } from './output.js';

interface RoleOptions extends CommonOptions {
  username: string;
  org: string;
  role: OrgRole;
}

const FAILURES = {
  'user-not-found': 'the user was deleted meanwhile',
  'org-not-found': 'no organization has that id',
  'membership-not-found': 'the user is not in that organization',
} as const;

/** Prints the user as a change left them: their roles, or with --json the API document. */
function report(options: CommonOptions, outcome: Outcome<UserRecord, keyof typeof FAILURES>) {
  if (!outcome.ok) throw new CliError(FAILURES[outcome.error]);
  const user = outcome.value;
  const document = toUserDocument(user, `${apiBase(options)}/users/${user.id}`);
  const roles = document.roles.map((r) => (r.orgId ? `${r.roleName} in ${r.orgId}` : r.roleName));
  emit(!!options.json, document, () => `${user.username}: ${roles.join(', ') || 'no roles'}`);
}

/** `users set-role`, `users remove-role`, `users global-owner`: roles after creation. */
export function addRoleCommands(users: Command): void {
  withCommonOptions(
    users.command('set-role').description('add a user to an org, or change their role in it'),
  )
    .requiredOption('--username <name>', 'whose role')
    .requiredOption('--org <org-id>', 'the organization', objectId)
    .addOption(new Option('--role <role>', 'the role').choices(ORG_ROLES).makeOptionMandatory())
    .action((options: RoleOptions) =>
      withStore(options, async (store) => {
        const user = await findUser(store, options.username);
        report(options, await store.setMembership(user.id, options.org, options.role));
      }),
    );

  withCommonOptions(users.command('remove-role').description('take a user out of an org'))
    .requiredOption('--username <name>', 'whose role')
    .requiredOption('--org <org-id>', 'the organization', objectId)
    .action((options: Omit<RoleOptions, 'role'>) =>
      withStore(options, async (store) => {
        const user = await findUser(store, options.username);
        report(options, await store.removeMembership(user.id, options.org));
      }),
    );

  withCommonOptions(
    users.command('global-owner').description('grant (on) or revoke (off) GLOBAL_OWNER'),
  )
    .argument('<on|off>', 'on grants, off revokes', onOff)
    .requiredOption('--username <name>', 'whose role')
    .action((granted: boolean, options: CommonOptions & { username: string }) =>
      withStore(options, async (store) => {
        const user = await findUser(store, options.username);
        report(options, await store.setGlobalRole(user.id, 'GLOBAL_OWNER', granted));
      }),
    );
}
