import type { DigestAuthenticator } from '../digest/index.js';
import type { Principal } from '../domain/principal.js';
import type { Throttle } from '../domain/throttle.js';
import type { UserCache } from '../domain/user-cache.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Store } from '../store/store.js';
import type { AccessUsage } from '../usage/access-usage.js';
import type { UsageCounter } from '../usage/usage-counter.js';
import type { PublicUrl } from './public-url.js';

/** What the routes and plugins need; built once per process by `createService`. */
export interface ApiContext {
  readonly store: Store;
  readonly authenticator: DigestAuthenticator;
  readonly users: UserCache;
  /** Failed authentications, keyed `ip:…` and `user:…`. */
  readonly throttle: Throttle;
  readonly usage: UsageCounter;
  readonly accessUsage: AccessUsage;
  readonly realm: string;
  readonly publicUrl: PublicUrl | undefined;
  readonly maxKeysPerUser: number;
  /** --max-key-lifetime: new keys expire by then at the latest. */
  readonly maxKeyLifetimeMs?: number | undefined;
  /** With --metrics-port: what requests and authentications are counted into (src/metrics). */
  readonly metrics?: Metrics;
}

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The digest-authenticated user or programmatic key; set by the digest plugin on every
     * API route.
     */
    principal: Principal | undefined;
    /** The personal key that signed the request, for the audit trail; set with `principal`. */
    signingKeyId: string | undefined;
  }
}
