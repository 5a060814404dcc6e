import type { FastifyBaseLogger } from 'fastify';
import { type DestinationStream, pino } from 'pino';
import type { ServerConfig } from './config.js';
import type { SetupGate } from './console/setup-token.js';
import { randomToken } from './console/tokens.js';
import {
  createDigestAuthenticator,
  type DigestAuthenticator,
  type ReplayRoutes,
} from './digest/index.js';
import { pruneAuditTrail } from './domain/audit-retention.js';
import { loadNonceSecrets } from './domain/nonce-secrets.js';
import { realmFixedMessage, resolveRealm } from './domain/realm.js';
import { watchRevisions } from './domain/revision-watch.js';
import { FailureThrottle, type Throttle, type ThrottleOptions } from './domain/throttle.js';
import { UserCache } from './domain/user-cache.js';
import { buildApp } from './http/app.js';
import { redactQuerySecrets } from './http/log-redaction.js';
import { Metrics } from './metrics/metrics.js';
import { timedStore } from './metrics/timed-store.js';
import { openRedisParts } from './shared/redis-parts.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';
import { AccessUsage } from './usage/access-usage.js';
import { UsageCounter, type UsageSink } from './usage/usage-counter.js';

export class ConfigurationError extends Error {}

// Secrets never reach a log line, whatever the level.
const REDACT = ['req.headers.authorization', 'headers.authorization', 'key', 'ha1', 'password'];

/** The process's logger: JSON lines on standard output, or on `destination` (tests). */
export function createLogger(
  level: ServerConfig['logLevel'],
  destination?: DestinationStream,
): FastifyBaseLogger {
  const options = {
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    // URLs reach log lines in many fields (the access log, Fastify's error messages and
    // stacks): the finished line is cleaned, whichever field quoted one.
    hooks: { streamWrite: redactQuerySecrets },
  };
  return destination ? pino(options, destination) : pino(options);
}

export interface Service {
  readonly app: Awaited<ReturnType<typeof buildApp>>;
  readonly store: Store;
  readonly realm: string;
  readonly usage: UsageCounter;
  /** Use through access-list entries, batched like `usage`. */
  readonly accessUsage: AccessUsage;
  readonly users: UserCache;
  readonly authenticator: DigestAuthenticator;
  /** With --metrics-port: this process's metrics (the caller serves or shares them). */
  readonly metrics: Metrics | undefined;
  /** Opens /console/setup while nobody can sign in to the console; undefined without it. */
  readonly consoleSetupToken: string | undefined;
  /** Stops accepting requests, writes pending usage counts, closes the database. */
  close(): Promise<void>;
}

function throttleOptionsOf(config: ServerConfig): ThrottleOptions {
  return {
    limit: config.authFailureLimit,
    windowMs: 10 * 60_000,
    baseLockoutMs: config.authLockoutSeconds * 1000,
    maxLockoutMs: config.authLockoutMaxSeconds * 1000,
  };
}

/** The failure throttle `config` asks for; with several workers, the primary holds it. */
export function throttleOf(config: ServerConfig): FailureThrottle {
  return new FailureThrottle(throttleOptionsOf(config));
}

/** A cluster worker's view of the state its primary holds for all workers (src/cluster). */
export interface SharedParts {
  readonly throttle: Throttle;
  readonly setupGate: SetupGate;
  readonly setupToken: string | undefined;
}

export interface ServiceOptions {
  /** Set in a cluster worker: what the primary holds for all workers. */
  readonly shared?: SharedParts;
  /** The revision poll (a knob for tests); default 1 s. Authentication fails closed after three without an answer. */
  readonly revisionPollMs?: number;
  /** Where nonces are tracked (src/digest/replay-routes.ts); default: this process alone. */
  readonly replayRoutes?: ReplayRoutes;
  /** Metrics made before the service (a worker shares them with its primary at once). */
  readonly metrics?: Metrics;
}

/** The usage counter's writes, timed into keyward_usage_flush_duration_seconds. */
function timedFlushes(store: Store, metrics: Metrics): UsageSink {
  return {
    async applyUsage(deltas) {
      const started = performance.now();
      try {
        await store.applyUsage(deltas);
      } finally {
        metrics.usageFlushed((performance.now() - started) / 1000);
      }
    },
  };
}

export async function createService(
  config: ServerConfig,
  logger: FastifyBaseLogger,
  { shared, revisionPollMs = 1000, replayRoutes, ...options }: ServiceOptions = {},
): Promise<Service> {
  const opened = await openStore(config.database, { logger, checkpointInWorker: true });
  // Off by default: without --metrics-port nothing is counted or timed at all.
  const metrics = options.metrics ?? (config.metricsPort === undefined ? undefined : new Metrics());
  const store = metrics ? timedStore(opened, (op, seconds) => metrics.query(op, seconds)) : opened;
  // With --redis-url the replay window and the throttle are those of every instance on it,
  // including this host's other workers: the primary's throttle is then not used.
  const redis = config.redisUrl
    ? await openRedisParts({
        url: config.redisUrl,
        nonceLifetimeMs: config.nonceLifetimeSeconds * 1000,
        throttle: throttleOptionsOf(config),
        log: logger,
      })
    : undefined;
  try {
    const realm = await resolveRealm(store, config.realm);
    if (!realm.ok) {
      const stored = (await store.getSetting('realm')) ?? '';
      throw new ConfigurationError(realmFixedMessage(stored));
    }
    const authenticator = createDigestAuthenticator({
      realm: realm.value,
      algorithms: config.digestAlgorithms,
      nonceSecrets: await loadNonceSecrets(store),
      nonceLifetimeMs: config.nonceLifetimeSeconds * 1000,
      // Redis, when given, tracks every nonce of every worker of every instance.
      ...(redis ? { replayRoutes: redis.replay } : replayRoutes ? { replayRoutes } : {}),
    });
    const users = new UserCache(store, { confirmWithinMs: 3 * revisionPollMs });
    const consoleSetupToken = config.console
      ? shared
        ? shared.setupToken
        : randomToken()
      : undefined;
    await users.refresh();
    const usage = new UsageCounter(metrics ? timedFlushes(store, metrics) : store, {
      onError: (error) => {
        metrics?.usageFlushFailed();
        logger.error({ err: error }, 'usage flush failed');
      },
      onFlushed: (keyIds) => users.invalidateKeys(keyIds),
    });
    const accessUsage = new AccessUsage(store, (error) =>
      logger.error({ err: error }, 'access-list usage flush failed'),
    );
    const throttle = redis?.throttle ?? shared?.throttle ?? throttleOf(config);
    metrics?.watch({
      trackedNonces: () => authenticator.trackedNonces(),
      // Counted where it is held: not here when Redis or the cluster primary holds it.
      ...(throttle instanceof FailureThrottle ? { throttleEntries: () => throttle.size } : {}),
      ...(shared ? {} : { workersAlive: () => 1 }),
    });
    const app = await buildApp(
      {
        store,
        authenticator,
        users,
        usage,
        accessUsage,
        throttle,
        realm: realm.value,
        publicUrl: config.publicUrl,
        maxKeysPerUser: config.maxKeysPerUser,
        maxKeyLifetimeMs: config.maxKeyLifetimeMs,
        ...(metrics ? { metrics } : {}),
      },
      {
        bodyLimit: config.bodyLimitBytes,
        loggerInstance: logger,
        // Slow clients (slowloris) lose their connection when the whole request is not in by then.
        requestTimeout: config.requestTimeoutSeconds * 1000,
        keepAliveTimeout: config.keepAliveTimeoutSeconds * 1000,
        maxHeaderSize: config.maxHeaderBytes,
        // Behind a proxy every request comes from the proxy: without this, the per-address
        // throttle would lock out every client at once after one client's failures.
        trustProxy: config.trustProxy.length > 0 ? [...config.trustProxy] : false,
        ...(consoleSetupToken
          ? {
              console: {
                sessionLifetimeMs: config.consoleSessionMinutes * 60_000,
                sessionIdleMs: config.consoleIdleMinutes * 60_000,
                setupToken: consoleSetupToken,
                ...(shared ? { setupGate: shared.setupGate } : {}),
              },
            }
          : {}),
      },
    );
    usage.start(config.usageFlushIntervalMs);
    accessUsage.start(config.usageFlushIntervalMs);
    const pruning = pruneAuditTrail(store, config.auditRetentionDays, (error) =>
      logger.warn({ err: error }, 'audit trail prune failed'),
    );
    const revisions = watchRevisions(users, {
      pollMs: revisionPollMs,
      subscribe: (onChange) => store.onRevision(onChange),
      log: logger,
    });
    return {
      app,
      store,
      realm: realm.value,
      usage,
      accessUsage,
      users,
      authenticator,
      metrics,
      consoleSetupToken,
      async close() {
        revisions.stop();
        pruning.stop();
        await app.close();
        await usage.stop();
        await accessUsage.stop();
        await redis?.close();
        await store.close();
      },
    };
  } catch (error) {
    await redis?.close();
    await store.close();
    throw error;
  }
}
