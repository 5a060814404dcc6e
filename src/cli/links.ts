import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_LINK_HOURS, issueConsoleLink, MAX_LINK_HOURS } from '../console/links.js';
import type { ConsoleLinkPurpose } from '../store/store.js';
import { type CommonOptions, findUser, withCommonOptions, withStore } from './common.js';
import { CliError, emit } from './output.js';

/** `--expires-in`: whole hours, or days with a `d` (`72`, `72h`, `3d`). */
export function linkHours(value: string): number {
  const match = /^(\d{1,4})([hd]?)$/.exec(value.trim());
  const hours = match ? Number(match[1]) * (match[2] === 'd' ? 24 : 1) : Number.NaN;
  if (!(hours >= 1 && hours <= MAX_LINK_HOURS)) {
    throw new InvalidArgumentError(`expected 1 to ${MAX_LINK_HOURS} hours, e.g. 72h or 3d`);
  }
  return hours;
}

const DESCRIPTIONS: Record<ConsoleLinkPurpose, readonly [string, string]> = {
  invite: [
    'invite',
    "print a one-time link with which the user sets their console password and manages their own keys (revokes the user's earlier link)",
  ],
  reset: [
    'reset-password',
    "print a one-time link with which the user chooses a new console password (revokes the user's earlier link)",
  ],
};

/** `users invite` and `users reset-password`: one implementation, two purposes. */
export function addLinkCommands(users: Command): void {
  for (const purpose of ['invite', 'reset'] as const) {
    const [name, description] = DESCRIPTIONS[purpose];
    withCommonOptions(users.command(name).description(description))
      .requiredOption('--username <name>', 'for whom (required)')
      .option(
        '--expires-in <duration>',
        `how long the link works, in hours or days (default ${DEFAULT_LINK_HOURS}h)`,
        linkHours,
      )
      .action((options: CommonOptions & { username: string; expiresIn?: number }) =>
        withStore(options, async (store) => {
          const user = await findUser(store, options.username);
          // The link leads to the console, so it is built on the same public URL as --json links.
          const base = options.publicUrl?.base;
          if (!base) throw new CliError('--public-url is needed to build the link');
          const issued = await issueConsoleLink(store, {
            user,
            purpose,
            base,
            ...(options.expiresIn ? { hours: options.expiresIn } : {}),
          });
          if (!issued) throw new CliError(`no user named "${user.username}"`);
          // The link alone on stdout (LINK=$(keyward users invite …) works); the advice on stderr.
          emit(
            !!options.json,
            { username: user.username, purpose, link: issued.url, expiresAt: issued.expiresAt },
            () => issued.url,
          );
          if (!options.json) {
            process.stderr.write(
              `keyward: the link works once, until ${issued.expiresAt}; send it to ${user.username} by a channel you trust\n`,
            );
          }
        }),
      );
  }
}
