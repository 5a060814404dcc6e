import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { ReplayCheck } from '../cluster/protocol.js';
import { SharedSetupToken } from '../cluster/shared-setup-token.js';
import { SharedThrottle } from '../cluster/shared-throttle.js';
import { answerSiblings } from '../cluster/sibling-channel.js';
import { siblingRoutes } from '../cluster/sibling-replay.js';
import { ownSiblingSocket } from '../cluster/sibling-sockets.js';
import { WorkerLink } from '../cluster/worker-link.js';
import { databaseOption, type ServerConfig, serverOptions, toServerConfig } from '../config.js';
import type { RemoteVerdict } from '../digest/index.js';
import { shareWithPrimary } from '../metrics/cluster-metrics.js';
import { Metrics } from '../metrics/metrics.js';
import { createLogger, createService, type SharedParts } from '../service.js';
import { recordPublicUrl } from './public-url-setting.js';
import { serveMetrics } from './serve-metrics.js';
import { firstRunNotes, primaryServe } from './serve-primary.js';

function workerCount(value: string): number {
  if (value === 'auto') return availableParallelism();
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 1024)
    throw new InvalidArgumentError('expected "auto" or a whole number from 1');
  return count;
}

export function serveCommand(): Command {
  const serve = new Command('serve')
    .description('serve the API (SQLite under ./data by default)')
    .addOption(databaseOption());
  for (const option of serverOptions()) serve.addOption(option);
  serve.addOption(
    new Option('--workers <n|auto>', 'processes serving (auto: one per core; 1: no cluster)')
      .env('KEYWARD_WORKERS')
      .default('auto'),
  );
  return serve.action(async (options: Record<string, unknown>) => {
    const config = toServerConfig(options);
    const workers = workerCount(String(options.workers));
    if (cluster.isWorker) return workerServe(config);
    if (workers > 1) return primaryServe(config, workers);
    return singleServe(config);
  });
}

/** `--workers 1`: one process, no cluster and no IPC, as before workers existed. */
async function singleServe(config: ServerConfig): Promise<void> {
  const logger = createLogger(config.logLevel);
  const service = await createService(config, logger);
  await recordPublicUrl(service.store, config);
  const token = service.consoleSetupToken;
  const notes = await firstRunNotes(service.store, config, token);
  const { metrics } = service;
  const scrapes =
    metrics && config.metricsPort !== undefined
      ? await serveMetrics(config, config.metricsPort, metrics.scrape(), logger).catch(
          async (error: unknown) => {
            await service.close();
            throw error;
          },
        )
      : undefined;
  const address = await service.app.listen({ host: config.host, port: config.port });
  logger.info(
    { address, realm: service.realm, dialect: service.store.dialect },
    'keyward is serving',
  );
  process.stderr.write(notes(address));
  stopOnSignals(logger, async () => {
    await scrapes?.close();
    await service.close();
  });
}

/** A cluster worker: the primary holds the throttle and the setup token and prints the notes. */
async function workerServe(config: ServerConfig): Promise<void> {
  const logger = createLogger(config.logLevel);
  // Before anything awaits: the primary's scrapes wait for every worker's answer.
  const metrics = config.metricsPort === undefined ? undefined : new Metrics();
  if (metrics) shareWithPrimary(metrics.registry);
  // Siblings may ask as soon as the primary names this worker: listen first, answer `foreign`
  // (nothing issued yet) until the service that issues nonces exists.
  let checkReplay = (_: ReplayCheck): RemoteVerdict => 'foreign';
  const siblingPath = ownSiblingSocket();
  await answerSiblings(siblingPath, (check) => checkReplay(check));
  const link = await WorkerLink.connect(siblingPath);
  const shared: SharedParts = {
    throttle: new SharedThrottle(link),
    setupGate: new SharedSetupToken(link),
    setupToken: link.setupToken,
  };
  const service = await createService(config, logger, {
    shared,
    replayRoutes: siblingRoutes(link),
    ...(metrics ? { metrics } : {}),
  });
  checkReplay = ({ nonce, issuedAt, nc, keyId }) =>
    service.authenticator.acceptForPeer(nonce, issuedAt, nc, keyId);
  const address = await service.app.listen({ host: config.host, port: config.port });
  logger.info({ address, worker: cluster.worker?.id }, 'keyward worker is serving');
  link.send({ t: 'listening', address });
  const stop = stopOnSignals(logger, () => service.close());
  // Without its primary nobody hands this worker connections any more.
  process.once('disconnect', () => stop('disconnect'));
}

function stopOnSignals(
  logger: ReturnType<typeof createLogger>,
  close: () => Promise<void>,
): (reason: string) => void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing requests and writing usage counts');
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return stop;
}
