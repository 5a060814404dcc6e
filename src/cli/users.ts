import { Command, Option } from 'commander';
import { ORG_ROLES, type OrgRole } from '../domain/records.js';
import {
  createUser,
  PROFILE_PROBLEMS,
  type Profile,
  profileProblems,
  trimmedProfile,
  updateProfile,
  usernameRefusal,
} from '../domain/users.js';
import { toUserDocument } from '../http/schemas/user.js';
import {
  apiBase,
  type CommonOptions,
  findUser,
  objectId,
  passwordFromStdin,
  withCommonOptions,
  withStore,
} from './common.js';
import { addLinkCommands } from './links.js';
import { CliError, emit, table } from './output.js';
import { addRoleCommands } from './roles.js';

interface CreateOptions extends CommonOptions {
  username: string;
  org?: string;
  role?: OrgRole;
  globalOwner?: boolean;
  firstName?: string;
  lastName?: string;
  email?: string;
  passwordStdin?: boolean;
}

const FAILURES = {
  'username-taken': 'that username is taken',
  'org-not-found': 'no organization has that id',
} as const;

const PROFILE_FLAGS: Record<keyof Profile, string> = {
  firstName: '--first-name',
  lastName: '--last-name',
  emailAddress: '--email',
};

/** What the domain refused in a profile, named by the flags that gave it. */
function profileRefusal(profile: Partial<Profile>): string {
  return Object.entries(profileProblems(trimmedProfile(profile)))
    .map(
      ([name, problem]) => `${PROFILE_FLAGS[name as keyof Profile]}: ${PROFILE_PROBLEMS[problem]}`,
    )
    .join('; ');
}

export function usersCommand(): Command {
  const users = new Command('users').description('manage users');

  withCommonOptions(users.command('create').description('create a user'))
    .requiredOption(
      '--username <name>',
      'login name; also the Digest username (fixed once keys exist)',
    )
    .option('--org <org-id>', 'organization to add the user to', objectId)
    .addOption(new Option('--role <role>', 'role in --org (default ORG_MEMBER)').choices(ORG_ROLES))
    .option('--global-owner', 'may act on every user (GLOBAL_OWNER)')
    .option('--first-name <name>', 'first name', '')
    .option('--last-name <name>', 'last name', '')
    .option('--email <address>', 'email address', '')
    .option('--password-stdin', 'read a web console password from standard input')
    .action((options: CreateOptions) =>
      withStore(options, async (store) => {
        if (options.role && !options.org) throw new CliError('--role needs --org');
        const passwordHash = options.passwordStdin ? await passwordFromStdin() : undefined;
        const profile = {
          firstName: options.firstName,
          lastName: options.lastName,
          emailAddress: options.email,
        };
        const created = await createUser(store, {
          username: options.username,
          ...profile,
          globalOwner: !!options.globalOwner,
          ...(passwordHash ? { passwordHash } : {}),
          ...(options.org
            ? { org: { orgId: options.org, roleName: options.role ?? 'ORG_MEMBER' } }
            : {}),
        });
        if (!created.ok) {
          throw new CliError(
            created.error === 'invalid-username'
              ? usernameRefusal(options.username)
              : created.error === 'invalid-profile'
                ? profileRefusal(profile)
                : FAILURES[created.error],
          );
        }
        const user = created.value;
        const document = toUserDocument(user, `${apiBase(options)}/users/${user.id}`);
        emit(!!options.json, document, () => `created user ${user.username} with id ${user.id}`);
      }),
    );

  withCommonOptions(users.command('list').description('list users')).action(
    (options: CommonOptions) =>
      withStore(options, async (store) => {
        const page = await store.listUsers({ offset: 0, limit: 10_000, includeCount: true });
        const results = page.items.map((u) =>
          toUserDocument(u, `${apiBase(options)}/users/${u.id}`),
        );
        emit(!!options.json, { results, totalCount: page.total }, () =>
          table([
            ['ID', 'USERNAME', 'ROLES'],
            ...results.map((u) => [u.id, u.username, u.roles.map((r) => r.roleName).join(',')]),
          ]),
        );
      }),
  );

  withCommonOptions(users.command('set-password').description('set a web console password'))
    .requiredOption('--username <name>', 'whose password')
    .requiredOption('--password-stdin', 'read the password from standard input')
    .action((options: CommonOptions & { username: string }) =>
      withStore(options, async (store) => {
        const hash = await passwordFromStdin();
        if (!(await store.setPasswordHash(options.username, hash))) {
          throw new CliError(`no user named "${options.username}"`);
        }
        emit(
          !!options.json,
          { username: options.username, passwordSet: true },
          () => 'password set',
        );
      }),
    );

  withCommonOptions(
    users.command('delete').description('delete a user with all their keys, for good'),
  )
    .requiredOption('--username <name>', 'whom to delete')
    .action((options: CommonOptions & { username: string }) =>
      withStore(options, async (store) => {
        const user = await findUser(store, options.username);
        const keys = (await store.listKeys(user.id, { offset: 0, limit: 1, includeCount: true }))
          .total;
        if (!(await store.deleteUser(user.id)).ok)
          throw new CliError(`no user named "${user.username}"`);
        emit(
          !!options.json,
          { deleted: user.id, username: user.username, keysDeleted: keys },
          () => `deleted user ${user.username} (${user.id}) and ${keys} key(s)`,
        );
      }),
    );

  withCommonOptions(users.command('update').description("change a user's name or email"))
    .requiredOption('--username <name>', 'whom to change (usernames themselves are fixed)')
    .option('--first-name <name>', 'new first name')
    .option('--last-name <name>', 'new last name')
    .option('--email <address>', 'new email address')
    .action((options: CommonOptions & Omit<CreateOptions, 'username'> & { username: string }) =>
      withStore(options, async (store) => {
        const user = await findUser(store, options.username);
        const changes = {
          ...(options.firstName === undefined ? {} : { firstName: options.firstName }),
          ...(options.lastName === undefined ? {} : { lastName: options.lastName }),
          ...(options.email === undefined ? {} : { emailAddress: options.email }),
        };
        const updated = await updateProfile(store, user.id, changes);
        if (!updated.ok) {
          throw new CliError(
            updated.error === 'invalid-profile'
              ? profileRefusal(changes)
              : 'the user was deleted meanwhile',
          );
        }
        const document = toUserDocument(updated.value, `${apiBase(options)}/users/${user.id}`);
        emit(!!options.json, document, () => `updated user ${user.username}`);
      }),
    );

  addRoleCommands(users);
  addLinkCommands(users);
  return users;
}
