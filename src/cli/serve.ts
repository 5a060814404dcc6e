import { Command } from 'commander';
import { databaseOption, serverOptions, toServerConfig } from '../config.js';
import { createLogger, createService } from '../service.js';

// A new operator's first minutes: the exact commands that make the first working key.
function gettingStarted(database: string, address: string): string {
  const db = database === './data/keyward.db' ? '' : ` --database '${database}'`;
  return [
    'The database has no users yet. Create the first organization, user and key:',
    `  npx keyward orgs create --name "My Org"${db}`,
    `  npx keyward users create --username alice@example.com --org <ORG-ID> --role ORG_OWNER${db}`,
    `  npx keyward keys create --username alice@example.com --description "first key"${db}`,
    `Then: curl --digest -u "alice@example.com:<KEY>" ${address}/api/atlas/v1.0/users/byName/alice@example.com`,
  ].join('\n');
}

export function serveCommand(): Command {
  const serve = new Command('serve')
    .description('serve the API (SQLite under ./data by default)')
    .addOption(databaseOption());
  for (const option of serverOptions()) serve.addOption(option);
  return serve.action(async (options: Record<string, unknown>) => {
    const config = toServerConfig(options);
    const logger = createLogger(config.logLevel);
    const service = await createService(config, logger);
    const address = await service.app.listen({ host: config.host, port: config.port });
    logger.info(
      { address, realm: service.realm, dialect: service.store.dialect },
      'keyward is serving',
    );
    // Said on stderr whatever the log level, for people and for scripts that start keyward.
    process.stderr.write(`keyward: serving on ${address}\n`);
    if (service.consoleSetupToken && !(await service.store.hasConsoleAccount())) {
      const base = config.publicUrl?.base ?? address;
      process.stderr.write(
        `keyward: nobody can sign in to the web console yet. To create its first administrator, open\n  ${base}/console/setup?token=${service.consoleSetupToken}\n`,
      );
    }
    const empty = await service.store.listUsers({ offset: 0, limit: 1, includeCount: false });
    if (empty.items.length === 0)
      process.stderr.write(`${gettingStarted(config.database, address)}\n`);

    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping: finishing requests and writing usage counts');
      service.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
