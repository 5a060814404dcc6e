import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Scrape } from './listener.js';

/**
 * In a worker: answer the primary's scrapes with this registry. prom-client's messages
 * (`{type: 'prom-client:…'}`) and keyward's (`{t: …}`, src/cluster/protocol.ts) share the
 * IPC channel; each side ignores the other's, as `isMessage` requires a `t`.
 */
export function shareWithPrimary(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  // Constructing one is what makes prom-client listen for the primary's requests.
  new AggregatorRegistry();
}

/**
 * In the primary: every worker's metrics, summed (gauges averaged where prom-client's own
 * default metrics say so), followed by the primary's own (workers alive, the throttle).
 * A worker that does not answer within 5 s (prom-client's limit) fails the scrape: 503.
 */
export function clusterScrape(primary: Registry): Scrape {
  const aggregator = new AggregatorRegistry();
  return {
    contentType: aggregator.contentType,
    async render() {
      const [workers, own] = await Promise.all([aggregator.clusterMetrics(), primary.metrics()]);
      return `${workers.endsWith('\n') || workers === '' ? workers : `${workers}\n`}${own}`;
    },
  };
}
