import { isIP } from 'node:net';
import { InvalidArgumentError, Option } from 'commander';
import { type Algorithm, parseAlgorithm } from './digest/index.js';
import { DURATION_HELP, parseDuration } from './domain/expiry.js';
import { PUBLIC_URL_PROBLEMS, type PublicUrl, parsePublicUrl } from './http/public-url.js';

/** Everything `keyward serve` can be told, after parsing and validation. */
export interface ServerConfig {
  readonly database: string;
  readonly host: string;
  readonly port: number;
  /** Undefined means "the realm already stored in the database, or the default". */
  readonly realm: string | undefined;
  readonly digestAlgorithms: readonly Algorithm[];
  readonly publicUrl: PublicUrl | undefined;
  /**
   * Proxies (addresses, CIDR ranges or proxy-addr's names such as `loopback`) whose
   * X-Forwarded-For/-Proto/-Host are believed; empty: none, the peer is the client.
   */
  readonly trustProxy: readonly string[];
  readonly nonceLifetimeSeconds: number;
  readonly maxKeysPerUser: number;
  /** The longest a new personal key may live; undefined: no limit (src/domain/expiry.ts). */
  readonly maxKeyLifetimeMs?: number | undefined;
  readonly usageFlushIntervalMs: number;
  readonly bodyLimitBytes: number;
  readonly logLevel: LogLevel;
  /** The Prometheus listener's port (src/metrics); undefined: no metrics at all. */
  readonly metricsPort: number | undefined;
  readonly metricsHost: string;
  readonly authFailureLimit: number;
  readonly authLockoutSeconds: number;
  readonly authLockoutMaxSeconds: number;
  readonly requestTimeoutSeconds: number;
  readonly keepAliveTimeoutSeconds: number;
  readonly maxHeaderBytes: number;
  /** Serve the web console under /console. */
  readonly console: boolean;
  readonly consoleSessionMinutes: number;
  readonly consoleIdleMinutes: number;
  /** Audit events older than this are deleted in the background (src/domain/audit-retention.ts). */
  readonly auditRetentionDays: number;
  /**
   * Redis (or Valkey) shared by several instances for the replay window and the failure
   * throttle; undefined: both are kept in this process (or host).
   */
  readonly redisUrl: string | undefined;
}

export const DEFAULT_REALM = 'MMS Public API';
export const DEFAULT_DATABASE = './data/keyward.db';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `90d`, `36h`… → milliseconds, or commander's usage error. */
export function duration(value: string): number {
  const parsed = parseDuration(value);
  if (!parsed.ok) throw new InvalidArgumentError(`expected ${DURATION_HELP}`);
  return parsed.value;
}

export function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

function algorithms(value: string): Algorithm[] {
  const list = value.split(',').map((name) => name.trim());
  const parsed = list.map(parseAlgorithm);
  if (parsed.length === 0 || parsed.some((alg) => alg === undefined)) {
    throw new InvalidArgumentError(
      'expected a comma-separated list of MD5, SHA-256, SHA-512-256 (each optionally -sess)',
    );
  }
  if (new Set(parsed).size !== parsed.length) throw new InvalidArgumentError('duplicate algorithm');
  return parsed as Algorithm[];
}

/** `--public-url` (and its KEYWARD_PUBLIC_URL), for `serve` and the CLI's --json links. */
export function publicUrl(value: string): PublicUrl {
  const parsed = parsePublicUrl(value);
  if (!parsed.ok) throw new InvalidArgumentError(PUBLIC_URL_PROBLEMS[parsed.error]);
  return parsed.value;
}

// The names proxy-addr (Fastify's trustProxy) knows for well-known ranges.
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function isProxyEntry(entry: string): boolean {
  if (PROXY_RANGE_NAMES.includes(entry)) return true;
  const [address = '', bits, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  const max = family === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= max;
}

/** `--trust-proxy`: `off`, or a comma-separated list of proxies to believe. */
export function trustedProxies(value: string): string[] {
  if (value === 'off') return [];
  const entries = value.split(',').map((entry) => entry.trim());
  if (!entries.every(isProxyEntry)) {
    throw new InvalidArgumentError(
      `expected off, or a comma-separated list of IP addresses, CIDR ranges or ${PROXY_RANGE_NAMES.join(', ')}`,
    );
  }
  return entries;
}

function realm(value: string): string {
  if (value.length === 0 || value.length > 128 || /["\\\p{Cc}]/u.test(value)) {
    throw new InvalidArgumentError('expected 1-128 printable characters without " or \\');
  }
  return value;
}

export function onOff(value: string): boolean {
  if (value !== 'on' && value !== 'off') throw new InvalidArgumentError('expected on or off');
  return value === 'on';
}

function logLevel(value: string): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${LOG_LEVELS.join(', ')}`);
  }
  return value as LogLevel;
}

function redisUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected a redis:// or rediss:// URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new InvalidArgumentError('expected a redis:// or rediss:// URL');
  }
  return value;
}

/** `--database`, shared by every command. */
export const databaseOption = () =>
  new Option('--database <path|url>', 'SQLite file path, or a postgres:// URL')
    .env('KEYWARD_DATABASE_URL')
    .default(DEFAULT_DATABASE);

/** The flags of `keyward serve`; each has a KEYWARD_* variable and a documented default. */
export const serverOptions = (): Option[] => [
  new Option('--host <address>', 'interface to listen on').env('KEYWARD_HOST').default('127.0.0.1'),
  new Option('--port <number>', 'TCP port (0 picks a free one)')
    .env('KEYWARD_PORT')
    .default(8080)
    .argParser(integer(0, 65535)),
  new Option('--realm <realm>', `Digest realm; fixed once keys exist (default "${DEFAULT_REALM}")`)
    .env('KEYWARD_REALM')
    .argParser(realm),
  new Option('--digest-algorithms <list>', 'challenge algorithms, in the order offered')
    .env('KEYWARD_DIGEST_ALGORITHMS')
    .default(['MD5', 'SHA-256'], 'MD5,SHA-256')
    .argParser(algorithms),
  new Option('--public-url <url>', 'base URL for links (default: from the request Host)')
    .env('KEYWARD_PUBLIC_URL')
    .argParser(publicUrl),
  new Option(
    '--trust-proxy <addresses>',
    'proxies whose X-Forwarded-For/-Proto/-Host to believe, e.g. loopback,10.0.0.0/8',
  )
    .env('KEYWARD_TRUST_PROXY')
    .default([], 'off')
    .argParser(trustedProxies),
  new Option('--nonce-lifetime <seconds>', 'how long a Digest nonce stays fresh')
    .env('KEYWARD_NONCE_LIFETIME')
    .default(300)
    .argParser(integer(10, 86_400)),
  new Option('--max-keys-per-user <number>', 'keys one user may hold')
    .env('KEYWARD_MAX_KEYS_PER_USER')
    .default(100)
    .argParser(integer(1, 10_000)),
  new Option('--max-key-lifetime <duration>', 'the longest a new key may live, e.g. 365d')
    .env('KEYWARD_MAX_KEY_LIFETIME')
    .argParser(duration),
  new Option('--usage-flush-interval <ms>', 'how often usage counts are written')
    .env('KEYWARD_USAGE_FLUSH_INTERVAL')
    .default(1000)
    .argParser(integer(10, 60_000)),
  new Option('--body-limit <bytes>', 'largest request body accepted')
    .env('KEYWARD_BODY_LIMIT')
    .default(65_536)
    .argParser(integer(1024, 16 * 1024 * 1024)),
  new Option('--log-level <level>', LOG_LEVELS.join(' | '))
    .env('KEYWARD_LOG_LEVEL')
    .default('info')
    .argParser(logLevel),
  new Option(
    '--metrics-port <number>',
    'serve Prometheus metrics at /metrics on this port (default: off)',
  )
    .env('KEYWARD_METRICS_PORT')
    .argParser(integer(0, 65535)),
  new Option('--metrics-host <address>', 'interface the metrics listener binds to')
    .env('KEYWARD_METRICS_HOST')
    .default('127.0.0.1'),
  new Option(
    '--auth-failure-limit <number>',
    'failed authentications (per address, per username) before 429',
  )
    .env('KEYWARD_AUTH_FAILURE_LIMIT')
    .default(10)
    .argParser(integer(1, 1_000_000)),
  new Option(
    '--auth-lockout <seconds>',
    'first refusal after the limit; doubles per further failure',
  )
    .env('KEYWARD_AUTH_LOCKOUT')
    .default(1)
    .argParser(integer(1, 3600)),
  new Option('--auth-lockout-max <seconds>', 'longest refusal')
    .env('KEYWARD_AUTH_LOCKOUT_MAX')
    .default(300)
    .argParser(integer(1, 86_400)),
  new Option('--request-timeout <seconds>', 'whole request, headers and body (slow clients)')
    .env('KEYWARD_REQUEST_TIMEOUT')
    .default(30)
    .argParser(integer(1, 3600)),
  new Option('--keep-alive-timeout <seconds>', 'idle keep-alive connections are closed after')
    .env('KEYWARD_KEEP_ALIVE_TIMEOUT')
    .default(75)
    .argParser(integer(1, 3600)),
  new Option('--max-header-size <bytes>', 'largest request head (431 past it)')
    .env('KEYWARD_MAX_HEADER_SIZE')
    .default(16_384)
    .argParser(integer(1024, 1_048_576)),
  new Option('--console <on|off>', 'serve the web console under /console')
    .env('KEYWARD_CONSOLE')
    .default(true, 'on')
    .argParser(onOff),
  new Option('--console-session-lifetime <minutes>', 'console sign-ins end after')
    .env('KEYWARD_CONSOLE_SESSION_LIFETIME')
    .default(480)
    .argParser(integer(5, 43_200)),
  new Option('--console-idle-timeout <minutes>', 'console sign-ins end after this long unused')
    .env('KEYWARD_CONSOLE_IDLE_TIMEOUT')
    .default(30)
    .argParser(integer(2, 43_200)),
  new Option('--audit-retention-days <days>', 'audit events are deleted after this many days')
    .env('KEYWARD_AUDIT_RETENTION_DAYS')
    .default(365)
    .argParser(integer(1, 36_500)),
  new Option(
    '--redis-url <url>',
    'Redis/Valkey shared by several instances: replay window and failure throttle',
  )
    .env('KEYWARD_REDIS_URL')
    .argParser(redisUrl),
];

/** Commander hands back loosely typed values; this is the one place they become typed. */
export function toServerConfig(options: Record<string, unknown>): ServerConfig {
  return {
    database: String(options.database),
    host: String(options.host),
    port: Number(options.port),
    realm: options.realm === undefined ? undefined : String(options.realm),
    digestAlgorithms: options.digestAlgorithms as Algorithm[],
    publicUrl: options.publicUrl as PublicUrl | undefined,
    trustProxy: options.trustProxy as string[],
    nonceLifetimeSeconds: Number(options.nonceLifetime),
    maxKeysPerUser: Number(options.maxKeysPerUser),
    maxKeyLifetimeMs:
      options.maxKeyLifetime === undefined ? undefined : Number(options.maxKeyLifetime),
    usageFlushIntervalMs: Number(options.usageFlushInterval),
    bodyLimitBytes: Number(options.bodyLimit),
    logLevel: options.logLevel as LogLevel,
    metricsPort: options.metricsPort === undefined ? undefined : Number(options.metricsPort),
    metricsHost: String(options.metricsHost),
    authFailureLimit: Number(options.authFailureLimit),
    authLockoutSeconds: Number(options.authLockout),
    authLockoutMaxSeconds: Number(options.authLockoutMax),
    requestTimeoutSeconds: Number(options.requestTimeout),
    keepAliveTimeoutSeconds: Number(options.keepAliveTimeout),
    maxHeaderBytes: Number(options.maxHeaderSize),
    console: options.console !== false,
    consoleSessionMinutes: Number(options.consoleSessionLifetime),
    consoleIdleMinutes: Number(options.consoleIdleTimeout),
    auditRetentionDays: Number(options.auditRetentionDays),
    redisUrl: options.redisUrl === undefined ? undefined : String(options.redisUrl),
  };
}
