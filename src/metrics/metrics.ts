import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { AUTH_REASONS, type AuthReason } from './auth-reasons.js';
import type { Scrape } from './listener.js';

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

interface RequestChildren {
  readonly count: { inc(): void };
  readonly latency: { observe(value: number): void };
}

/**
 * One process's keyward metrics in its own registry (with several workers, the primary
 * sums the workers' registries: src/metrics/cluster-metrics.ts). The recorders on the request path
 * keep each label set's child, so a request costs a map lookup and two additions rather
 * than prom-client's label hashing.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly latency: Histogram<'method' | 'route'>;
  private readonly queries: Histogram<'operation'>;
  private readonly flushes: Histogram;
  private readonly flushFailures: Counter;
  private readonly requestChildren = new Map<string, RequestChildren>();
  private readonly authChildren = new Map<AuthReason, { inc(): void }>();
  private readonly queryChildren = new Map<string, { observe(value: number): void }>();

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'keyward_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.latency = new Histogram({
      name: 'keyward_http_request_duration_seconds',
      help: 'Time from a request arriving to its response sent, by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    const auth = new Counter({
      name: 'keyward_auth_outcomes_total',
      help: 'Digest authentications by outcome',
      labelNames: ['reason'],
      registers,
    });
    // Every reason from the start, at 0: rate() and alerts see a series before the first event.
    for (const reason of AUTH_REASONS) {
      auth.inc({ reason }, 0);
      this.authChildren.set(reason, auth.labels(reason));
    }
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
    let children = this.requestChildren.get(key);
    if (!children) {
      children = {
        count: this.requests.labels({ method, route, status: String(status) }),
        latency: this.latency.labels({ method, route }),
      };
      this.requestChildren.set(key, children);
    }
    children.count.inc();
    children.latency.observe(seconds);
  }

  auth(reason: AuthReason): void {
    this.authChildren.get(reason)?.inc();
  }

  query(operation: string, seconds: number): void {
    let child = this.queryChildren.get(operation);
    if (!child) {
      child = this.queries.labels({ operation });
      this.queryChildren.set(operation, child);
    }
    child.observe(seconds);
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
