import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { AUTH_REASONS, type AuthReason } from './auth-reasons.js';
import type { Scrape } from './listener.js';
import { type Series, Tally } from './tally.js';

/** Gauges read when scraped, from the parts this process holds. */
export interface MetricSources {
  /** The Digest replay window's size (src/digest). */
  readonly trackedNonces?: () => number;
  /** The failure throttle's records, where this process holds the throttle. */
  readonly throttleEntries?: () => number;
  /** Worker processes serving: the primary's count, or 1 for `--workers 1`. */
  readonly workersAlive?: () => number;
}

// Seconds; a request that passes the Digest check takes about a millisecond here.
const REQUEST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const QUERY_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
];

interface RequestSeries {
  readonly count: Series;
  readonly latency: Series;
}

/**
 * One process's keyward metrics in its own registry (with several workers, the primary
 * sums the workers' registries: src/metrics/cluster-metrics.ts). What every request
 * updates is kept in Tallies (tally.ts): a map lookup and a few additions per request.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Tally;
  private readonly latency: Tally;
  private readonly queries: Histogram<'operation'>;
  private readonly flushes: Histogram;
  private readonly flushFailures: Counter;
  private readonly requestSeries = new Map<string, RequestSeries>();
  private readonly authSeries = new Map<AuthReason, Series>();

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Tally(
      this.registry,
      'keyward_http_requests_total',
      'HTTP requests answered, by method, route pattern and status',
      'counter',
    );
    this.latency = new Tally(
      this.registry,
      'keyward_http_request_duration_seconds',
      'Time from a request arriving to its response sent, by method and route pattern',
      'histogram',
      REQUEST_BUCKETS,
    );
    const auth = new Tally(
      this.registry,
      'keyward_auth_outcomes_total',
      'Digest authentications by outcome',
      'counter',
    );
    // Every reason from the start, at 0: rate() and alerts see a series before the first event.
    for (const reason of AUTH_REASONS) this.authSeries.set(reason, auth.series(reason, { reason }));
    this.queries = new Histogram({
      name: 'keyward_db_query_duration_seconds',
      help: 'Database calls by store operation',
      labelNames: ['operation'],
      buckets: QUERY_BUCKETS,
      registers,
    });
    this.flushes = new Histogram({
      name: 'keyward_usage_flush_duration_seconds',
      help: 'Writes of usage counts (one transaction of up to 256 keys)',
      buckets: QUERY_BUCKETS,
      registers,
    });
    this.flushFailures = new Counter({
      name: 'keyward_usage_flush_failures_total',
      help: 'Usage-count writes that failed (the counts are retried on the next flush)',
      registers,
    });
  }

  request(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let series = this.requestSeries.get(key);
    if (!series) {
      series = {
        count: this.requests.series(key, { method, route, status: String(status) }),
        latency: this.latency.series(`${method} ${route}`, { method, route }),
      };
      this.requestSeries.set(key, series);
    }
    series.count.count += 1;
    this.latency.observe(series.latency, seconds);
  }

  auth(reason: AuthReason): void {
    const series = this.authSeries.get(reason);
    if (series) series.count += 1;
  }

  query(operation: string, seconds: number): void {
    // Off the request path for a cached user: prom-client's own histogram is cheap enough.
    this.queries.observe({ operation }, seconds);
  }

  usageFlushed(seconds: number): void {
    this.flushes.observe(seconds);
  }

  usageFlushFailed(): void {
    this.flushFailures.inc();
  }

  /** What the listener serves with `--workers 1`. */
  scrape(): Scrape {
    return { contentType: this.registry.contentType, render: () => this.registry.metrics() };
  }

  /** Gauges for the parts this process holds, once they exist. */
  watch(sources: MetricSources): void {
    registerGauges(this.registry, sources);
  }
}

const GAUGES: Record<keyof MetricSources, readonly [name: string, help: string]> = {
  trackedNonces: ['keyward_replay_window_nonces', 'Nonces the Digest replay window tracks'],
  throttleEntries: [
    'keyward_throttle_entries',
    'Addresses and usernames the failure throttle holds',
  ],
  workersAlive: ['keyward_workers_alive', 'Worker processes serving'],
};

/**
 * A gauge read when scraped for each part this process holds (the primary holds the
 * throttle and knows the workers; each worker its replay window).
 */
export function registerGauges(registry: Registry, sources: MetricSources): void {
  for (const [part, [name, help]] of Object.entries(GAUGES)) {
    const source = sources[part as keyof MetricSources];
    if (!source) continue;
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(source());
      },
    });
  }
}
