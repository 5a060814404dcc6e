import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { databaseOption } from '../config.js';
import { DatabaseNotFound, isPostgresUrl } from '../store/open-store.js';
import { BackupCorrupt, BackupTargetExists, backupSqlite } from '../store/sqlite-backup.js';
import { CliError, emit } from './output.js';

interface BackupOptions {
  database: string;
  to: string;
  force?: boolean;
  json?: boolean;
}

/** The URL without its password, for a command line to show (PGPASSWORD or ~/.pgpass give it). */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return 'postgres://USER@HOST:5432/DATABASE';
  }
}

function pgDumpAdvice(url: string, to: string): string {
  const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
  return (
    '--database is PostgreSQL, which keyward does not copy itself: back it up with pg_dump ' +
    '(consistent while servers run; the password from PGPASSWORD or ~/.pgpass):\n' +
    `  pg_dump --format=custom --file=${quote(to)} ${quote(withoutPassword(url))}\n` +
    'and restore into an empty database with pg_restore --dbname=URL FILE (docs/operations.md, Backups).'
  );
}

/** `keyward backup --to FILE`: a consistent copy of the SQLite database, servers running or not. */
export function backupCommand(): Command {
  return new Command('backup')
    .description('copy the SQLite database consistently while servers run (PostgreSQL: pg_dump)')
    .addOption(databaseOption())
    .requiredOption('--to <file>', 'the copy to write (refused if it exists, unless --force)')
    .option('--force', 'replace --to if it exists')
    .addOption(new Option('--json', 'print the result as JSON').env('KEYWARD_JSON'))
    .action(async (options: BackupOptions) => {
      if (isPostgresUrl(options.database))
        throw new CliError(pgDumpAdvice(options.database, options.to));
      const target = resolve(options.to);
      if (target === resolve(options.database))
        throw new CliError('--to names the database itself');
      if (!existsSync(dirname(target)) || !statSync(dirname(target)).isDirectory()) {
        throw new CliError(`--to: no folder ${dirname(target)}`);
      }
      const result = await backupSqlite(options.database, target, {
        overwrite: !!options.force,
      }).catch((error: unknown) => {
        if (error instanceof BackupTargetExists) {
          throw new CliError(`--to: ${error.path} already exists (add --force to replace it)`);
        }
        if (error instanceof BackupCorrupt) throw new CliError(`${error.message}; nothing written`);
        if (error instanceof DatabaseNotFound) {
          throw new CliError(
            `no database at ${error.path} (check --database or KEYWARD_DATABASE_URL)`,
          );
        }
        throw error;
      });
      emit(
        !!options.json,
        { status: 'ok', to: target, pages: result.pages, integrity: result.integrity },
        () => `backed up ${options.database} to ${target} (${result.pages} pages, integrity ok)`,
      );
    });
}
