import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import type { ServerConfig } from '../../src/config.js';
import { newObjectId } from '../../src/domain/ids.js';
import { issueKey } from '../../src/domain/keys.js';
import type { UserRecord } from '../../src/domain/records.js';
import { toTimestamp } from '../../src/domain/time.js';
import { createUser, type UserRequest } from '../../src/domain/users.js';
import { createService, type Service, type ServiceOptions } from '../../src/service.js';
import { digestAuthorization } from './digest-client.js';
import { injectAsClient } from './inject.js';

export interface Account {
  readonly user: UserRecord;
  readonly username: string;
  readonly key: string;
  readonly keyId: string;
}

export interface RequestOptions {
  readonly method?: InjectOptions['method'];
  readonly url: string;
  readonly as?: { readonly username: string; readonly key: string };
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export const ATLAS = '/api/atlas/v1.0';

export function testConfig(database: string, overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    database,
    host: '127.0.0.1',
    port: 0,
    realm: undefined,
    digestAlgorithms: ['MD5', 'SHA-256'],
    publicUrl: undefined,
    trustProxy: [],
    nonceLifetimeSeconds: 300,
    maxKeysPerUser: 100,
    usageFlushIntervalMs: 1000,
    bodyLimitBytes: 65_536,
    logLevel: 'silent',
    metricsPort: undefined,
    metricsHost: '127.0.0.1',
    // Suites fail authentications on purpose, all from one address; throttling has its own.
    authFailureLimit: 1_000_000,
    authLockoutSeconds: 1,
    authLockoutMaxSeconds: 300,
    requestTimeoutSeconds: 30,
    keepAliveTimeoutSeconds: 75,
    maxHeaderBytes: 16_384,
    console: true,
    consoleSessionMinutes: 480,
    consoleIdleMinutes: 30,
    auditRetentionDays: 365,
    redisUrl: undefined,
    ...overrides,
  };
}

/**
 * A real service (Fastify app, digest, SQLite in a temp folder) with one org, three users
 * (alice and bob are members, root is a GLOBAL_OWNER) and a key each. Requests go through
 * `app.inject`, answering the Digest challenge as a client would.
 */
export class TestApi {
  private nc = 0;

  private constructor(
    readonly service: Service,
    private readonly config: ServerConfig,
    private readonly folder: string,
    readonly orgId: string,
    readonly alice: Account,
    readonly bob: Account,
    readonly root: Account,
  ) {}

  static async start(
    overrides: Partial<ServerConfig> = {},
    options: ServiceOptions = {},
  ): Promise<TestApi> {
    const folder = mkdtempSync(join(tmpdir(), 'keyward-api-'));
    const config = testConfig(join(folder, 'keyward.db'), overrides);
    const service = await createService(config, pino({ level: config.logLevel }), options);
    const orgId = newObjectId();
    await service.store.createOrg({ id: orgId, name: 'Test Org', createdAt: toTimestamp() });
    const account = (request: UserRequest) => createAccount(service, request);
    const org = { orgId, roleName: 'ORG_MEMBER' } as const;
    const api = new TestApi(
      service,
      config,
      folder,
      orgId,
      await account({ username: 'alice@example.com', org, firstName: 'Alice' }),
      await account({ username: 'bob@example.com', org }),
      await account({ username: 'root', globalOwner: true }),
    );
    // The set-up above is SQLite calls that settle as microtasks, so the revision poll's
    // timer cannot fire in between: on a loaded machine it took over 3 s, and the cache,
    // unconfirmed, answered the first requests 503. Confirm it now, as the poll would have.
    await service.users.refresh();
    return api;
  }

  /** A second instance on the same database, with the same accounts (close it first). */
  async anotherInstance(options: ServiceOptions = {}): Promise<TestApi> {
    const folder = mkdtempSync(join(tmpdir(), 'keyward-api-'));
    const logger = pino({ level: this.config.logLevel });
    const service = await createService(this.config, logger, options);
    const { orgId, alice, bob, root } = this;
    return new TestApi(service, this.config, folder, orgId, alice, bob, root);
  }

  /** Another user with one key, e.g. an ORG_OWNER for the suites that need one. */
  account(request: UserRequest): Promise<Account> {
    return createAccount(this.service, request);
  }

  /** The database the service runs on (a file path or a postgres:// URL). */
  get database(): string {
    return this.config.database;
  }

  get app() {
    return this.service.app;
  }

  async close(): Promise<void> {
    await this.service.close();
    rmSync(this.folder, { recursive: true, force: true });
  }

  /** One request; with `as`, first fetches a challenge and then answers it. */
  async request(options: RequestOptions): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined && !headers['content-type']) {
      headers['content-type'] = 'application/json';
    }
    const payload =
      options.body === undefined || typeof options.body === 'string'
        ? (options.body as string | undefined)
        : JSON.stringify(options.body);
    const method = options.method ?? 'GET';
    if (options.as) {
      const challenge = await this.challenge();
      headers.authorization = digestAuthorization({
        username: options.as.username,
        password: options.as.key,
        method,
        uri: options.url,
        challenge,
        nc: ++this.nc,
      });
    }
    return injectAsClient(this.app, { method, url: options.url, headers, payload });
  }

  /** A fresh WWW-Authenticate value (the first line: MD5, as Atlas offers it). */
  async challenge(): Promise<string> {
    const response = await injectAsClient(this.app, {
      method: 'GET',
      url: `${ATLAS}/users/${'0'.repeat(24)}`,
    });
    const header = response.headers['www-authenticate'];
    const first = Array.isArray(header) ? header[0] : header;
    if (!first) throw new Error('no challenge');
    return first;
  }
}

/** A user made through the domain, as the CLI would, with one key. */
export async function createAccount(service: Service, request: UserRequest): Promise<Account> {
  const created = await createUser(service.store, request);
  if (!created.ok) throw new Error(created.error);
  const user = created.value;
  const issued = await issueKey(service.store, {
    user,
    description: 'first key',
    realm: service.realm,
    maxKeysPerUser: 100,
  });
  if (!issued.ok) throw new Error(issued.error);
  return { user, username: user.username, key: issued.value.key, keyId: issued.value.record.id };
}
