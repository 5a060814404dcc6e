import { Registry } from 'prom-client';
import { runPrimary } from '../cluster/primary.js';
import { siblingSocketsFolder } from '../cluster/sibling-sockets.js';
import type { ServerConfig } from '../config.js';
import { randomToken } from '../console/tokens.js';
import { realmFixedMessage, resolveRealm } from '../domain/realm.js';
import { clusterScrape } from '../metrics/cluster-metrics.js';
import { registerGauges } from '../metrics/metrics.js';
import { ConfigurationError, createLogger, throttleOf } from '../service.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { recordPublicUrl } from './public-url-setting.js';
import { serveMetrics } from './serve-metrics.js';

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

/**
 * What `serve` says on stderr once it listens, whatever the log level and however many
 * workers: the address, the console's setup link while nobody can sign in, first-run hints.
 */
export async function firstRunNotes(
  store: Store,
  config: ServerConfig,
  setupToken: string | undefined,
): Promise<(address: string) => string> {
  const needsSetup = setupToken !== undefined && !(await store.hasConsoleAccount());
  const empty = await store.listUsers({ offset: 0, limit: 1, includeCount: false });
  return (address) => {
    let text = `keyward: serving on ${address}\n`;
    if (needsSetup) {
      const base = config.publicUrl?.base ?? address;
      text += `keyward: nobody can sign in to the web console yet. To create its first administrator, open\n  ${base}/console/setup?token=${setupToken}\n`;
    }
    if (empty.items.length === 0) text += `${gettingStarted(config.database, address)}\n`;
    return text;
  };
}

/**
 * `--workers N` (N > 1): the primary migrates the database once, so workers never race a
 * migration, then forks the workers and prints the notes once, when the first one listens.
 */
export async function primaryServe(config: ServerConfig, workers: number): Promise<void> {
  const logger = createLogger(config.logLevel);
  const setupToken = config.console ? randomToken() : undefined;
  const store = await openStore(config.database, { logger });
  let notes: (address: string) => string;
  try {
    const realm = await resolveRealm(store, config.realm);
    if (!realm.ok)
      throw new ConfigurationError(realmFixedMessage((await store.getSetting('realm')) ?? ''));
    await recordPublicUrl(store, config);
    notes = await firstRunNotes(store, config, setupToken);
  } finally {
    await store.close();
  }
  const siblings = siblingSocketsFolder();
  if (!siblings.ok) throw new ConfigurationError(siblings.problem);
  const throttle = throttleOf(config);
  let liveWorkers = () => 0;
  // Before forking: a metrics port in use ends the start with nothing to stop.
  if (config.metricsPort !== undefined) {
    // The workers' metrics come over IPC; the primary adds what only it knows.
    const own = new Registry();
    registerGauges(own, {
      workersAlive: () => liveWorkers(),
      // With Redis the throttle is there, not in this one.
      ...(config.redisUrl ? {} : { throttleEntries: () => throttle.size }),
    });
    await serveMetrics(config, config.metricsPort, clusterScrape(own), logger);
  }
  const primary = runPrimary({
    workerEnv: siblings.env,
    workers,
    throttle,
    setupToken,
    logger,
    onListening: (address) => {
      logger.info({ address, workers }, 'keyward is serving');
      process.stderr.write(notes(address));
    },
  });
  liveWorkers = primary.liveWorkers;
}
