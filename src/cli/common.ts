import { type Command, InvalidArgumentError, Option } from 'commander';
import { databaseOption, duration, publicUrl } from '../config.js';
import { actingAs } from '../domain/audit-scope.js';
import { DURATION_HELP } from '../domain/expiry.js';
import { isObjectId } from '../domain/ids.js';
import { hashPassword, passwordProblem } from '../domain/passwords.js';
import type { UserRecord } from '../domain/records.js';
import type { PublicUrl } from '../http/public-url.js';
import { DatabaseNotFound, openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { cliSource } from './audit-source.js';
import { CliError } from './output.js';
import { storedPublicUrl } from './public-url-setting.js';

const DEFAULT_PUBLIC_URL = 'http://127.0.0.1:8080';

export interface CommonOptions {
  database: string;
  json?: boolean;
  publicUrl?: PublicUrl;
}

/** `--database`, `--json` and `--public-url` (for links in JSON documents) on every command. */
export function withCommonOptions(command: Command): Command {
  return command
    .addOption(databaseOption())
    .addOption(
      new Option('--json', 'print the JSON document the API would return').env('KEYWARD_JSON'),
    )
    .addOption(
      new Option(
        '--public-url <url>',
        `base URL for links in --json output (default: the server's --public-url, else ${DEFAULT_PUBLIC_URL})`,
      )
        .env('KEYWARD_PUBLIC_URL')
        .argParser(publicUrl),
    );
}

export function objectId(value: string): string {
  if (!isObjectId(value)) throw new InvalidArgumentError('expected a 24-hex id');
  return value;
}

/**
 * Opens the store for one command and always closes it, so the process can exit. Only
 * `migrate` (and `serve`, which opens its own) may create a database: anywhere else a missing
 * SQLite file is a mistyped --database, and an empty new one would hide it.
 */
export async function withStore<T>(
  options: CommonOptions,
  run: (store: Store) => Promise<T>,
  { create = false }: { create?: boolean } = {},
): Promise<T> {
  const store = await openStore(options.database, { create }).catch((error: unknown) => {
    if (!(error instanceof DatabaseNotFound)) throw error;
    throw new CliError(
      `no database at ${error.path} (check --database or KEYWARD_DATABASE_URL); ` +
        '`keyward migrate` or `keyward serve` creates a new one',
    );
  });
  try {
    options.publicUrl ??= await storedPublicUrl(store);
    // Every change the command makes is recorded as the CLI's, by the OS user running it.
    return await actingAs(cliSource(), () => run(store));
  } finally {
    await store.close();
  }
}

/** The user named by `--username`, or the one-line error every command gives. */
export async function findUser(store: Store, username: string): Promise<UserRecord> {
  const user = await store.getUserByUsername(username);
  if (!user) throw new CliError(`no user named "${username}"`);
  return user;
}

export const apiBase = (options: CommonOptions) =>
  `${options.publicUrl?.base ?? DEFAULT_PUBLIC_URL}/api/atlas/v1.0`;

/** One password from standard input (a trailing newline is not part of it), hashed. */
export async function passwordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  const problem = passwordProblem(password);
  if (problem) throw new CliError(problem);
  return hashPassword(password);
}

/** What `withMaxKeyLifetime` and `withExpiresIn` add to a command's options. */
export interface LifetimeOptions {
  maxKeyLifetime?: number;
  expiresIn?: number;
}

/** The server's cap on a new key's life, read from the same variable as `keyward serve`. */
export function withMaxKeyLifetime(command: Command): Command {
  return command.addOption(
    new Option('--max-key-lifetime <duration>', 'the longest a new key may live, e.g. 365d')
      .env('KEYWARD_MAX_KEY_LIFETIME')
      .argParser(duration),
  );
}

/** A new key's asked-for life; capped by --max-key-lifetime. */
export function withExpiresIn(command: Command): Command {
  return command.option(
    '--expires-in <duration>',
    `the key expires after this: ${DURATION_HELP}`,
    duration,
  );
}
