import { Command, CommanderError } from 'commander';
import { ConfigurationError } from '../service.js';
import { VERSION } from '../version.js';
import { keysCommand } from './keys.js';
import { migrateCommand } from './migrate.js';
import { orgsCommand } from './orgs.js';
import { CliError } from './output.js';
import { secretsCommand } from './secrets.js';
import { serveCommand } from './serve.js';
import { usersCommand } from './users.js';

const program = new Command('keyward')
  .description('Personal API keys with HTTP Digest authentication, Atlas-compatible')
  .version(VERSION)
  .showHelpAfterError()
  .exitOverride()
  .addCommand(serveCommand())
  .addCommand(orgsCommand())
  .addCommand(usersCommand())
  .addCommand(keysCommand())
  .addCommand(migrateCommand())
  .addCommand(secretsCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  const expected = error instanceof CliError || error instanceof ConfigurationError;
  const message = expected ? (error as Error).message : `unexpected failure: ${String(error)}`;
  process.stderr.write(`keyward: error: ${message}\n`);
  process.exit(expected ? 1 : 70);
}
