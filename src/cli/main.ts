import { Command, CommanderError } from 'commander';
import { ConfigurationError } from '../service.js';
import { VERSION } from '../version.js';
import { accessListCommand } from './access-list.js';
import { apiKeysCommand } from './apikeys.js';
import { auditCommand } from './audit.js';
import { backupCommand } from './backup.js';
import { keysCommand } from './keys.js';
import { migrateCommand } from './migrate.js';
import { orgsCommand } from './orgs.js';
import { CliError } from './output.js';
import { secretsCommand } from './secrets.js';
import { serveCommand } from './serve.js';
import { usersCommand } from './users.js';

const REQUIRED = '(required)';

const program = new Command('keyward')
  .description('Personal API keys with HTTP Digest authentication, Atlas-compatible')
  .version(VERSION)
  .addCommand(serveCommand())
  .addCommand(orgsCommand())
  .addCommand(usersCommand())
  .addCommand(keysCommand())
  .addCommand(apiKeysCommand())
  .addCommand(accessListCommand())
  .addCommand(migrateCommand())
  .addCommand(secretsCommand())
  .addCommand(backupCommand())
  .addCommand(auditCommand());

/**
 * Settings every command needs, applied once here because commander copies them only to
 * subcommands made with .command(), not to those added with .addCommand(): commander's own
 * errors get the prefix keyward's errors carry, and flags without which a command cannot
 * run say so in --help (commander marks them nowhere).
 */
function standardise(command: Command): void {
  command
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ outputError: (text, write) => write(`keyward: ${text}`) });
  for (const option of command.options) {
    if (option.mandatory && !option.description.endsWith(REQUIRED)) {
      option.description = `${option.description} ${REQUIRED}`;
    }
  }
  for (const sub of command.commands) standardise(sub);
}

standardise(program);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  const expected = error instanceof CliError || error instanceof ConfigurationError;
  const message = expected ? (error as Error).message : `unexpected failure: ${String(error)}`;
  process.stderr.write(`keyward: error: ${message}\n`);
  process.exit(expected ? 1 : 70);
}
