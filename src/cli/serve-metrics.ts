import type { FastifyBaseLogger } from 'fastify';
import type { ServerConfig } from '../config.js';
import { listenForScrapes, type MetricsListener, type Scrape } from '../metrics/listener.js';
import { ConfigurationError } from '../service.js';

/** Starts `--metrics-port`'s listener and says where on stderr, as `serving on` is. */
export async function serveMetrics(
  config: Pick<ServerConfig, 'metricsHost'>,
  port: number,
  scrape: Scrape,
  logger: FastifyBaseLogger,
): Promise<MetricsListener> {
  const listener = await listenForScrapes(config.metricsHost, port, scrape, (error) =>
    logger.warn({ err: error }, 'metrics scrape failed'),
  ).catch((error: NodeJS.ErrnoException) => {
    throw new ConfigurationError(
      `cannot serve metrics on ${config.metricsHost}:${port} (${error.code ?? error.message})`,
    );
  });
  logger.info({ url: listener.url }, 'metrics listener');
  process.stderr.write(`keyward: metrics on ${listener.url}\n`);
  return listener;
}
