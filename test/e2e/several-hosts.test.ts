// Several hosts, as docs/operations.md sets them up: three `keyward serve` processes on one
// PostgreSQL and one Redis (--redis-url), behind haproxy round-robin without affinity. The
// instances stand for hosts: they share nothing but the database, Redis and the balancer.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REALM } from '../../src/config.js';
import { newObjectId } from '../../src/domain/ids.js';
import { issueKey } from '../../src/domain/keys.js';
import type { UserRecord } from '../../src/domain/records.js';
import { toTimestamp } from '../../src/domain/time.js';
import { createUser } from '../../src/domain/users.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { type FreshDatabase, freshDatabase } from '../support/databases.js';
import { digestAuthorization } from '../support/digest-client.js';
import { Haproxy } from '../support/haproxy.js';
import { RedisServer } from '../support/redis-server.js';
import { ServerProcess } from '../support/server-process.js';
import { curl } from './fixture.js';

const LIMIT = 10;
let fresh: FreshDatabase;
let redis: RedisServer;
let servers: ServerProcess[] = [];
let balancer: Haproxy;
let orgId: string;
/** The administrator's CLI, in process: accounts are made while the instances run. */
let store: Store | undefined;

interface Account {
  readonly id: string;
  readonly username: string;
  readonly key: string;
  readonly keyId: string;
}

function theStore(): Store {
  if (!store) throw new Error('no store');
  return store;
}

async function account(username: string): Promise<Account> {
  const created = await createUser(theStore(), {
    username,
    org: { orgId, roleName: 'ORG_MEMBER' },
  });
  if (!created.ok) throw new Error(created.error);
  const user = created.value;
  return { id: user.id, username, ...(await anotherKey(user)) };
}

async function anotherKey(user: UserRecord): Promise<{ key: string; keyId: string }> {
  const issued = await issueKey(theStore(), {
    user,
    description: 'hosts',
    realm: DEFAULT_REALM,
    maxKeysPerUser: 100,
  });
  if (!issued.ok) throw new Error(issued.error);
  return { key: issued.value.key, keyId: issued.value.record.id };
}

const path = (who: Account) => `/api/atlas/v1.0/users/${who.id}`;

/** A GET with the given headers (x-forwarded-for: the client address instances believe). */
async function get(base: string, uri: string, headers: Record<string, string> = {}) {
  const response = await fetch(base + uri, { headers });
  await response.arrayBuffer();
  return response;
}

async function challenge(base: string, uri: string): Promise<string> {
  const response = await get(base, uri);
  return (response.headers.get('www-authenticate') ?? '').split(', Digest')[0] ?? '';
}

async function answer(base: string, who: Account, nc: number, key = who.key) {
  return digestAuthorization({
    username: who.username,
    password: key,
    method: 'GET',
    uri: path(who),
    challenge: await challenge(base, path(who)),
    nc,
  });
}

beforeAll(async () => {
  fresh = await freshDatabase('postgres');
  redis = await RedisServer.start();
  store = await openStore(fresh.database);
  orgId = newObjectId();
  await store.createOrg({ id: orgId, name: 'Hosts', createdAt: toTimestamp() });
  const args = ['--redis-url', redis.url, '--trust-proxy', 'loopback', '--auth-lockout', '60'];
  // One instance with two workers: Redis serves the workers of a host as it serves hosts.
  const workers = ['2', '1', '1'];
  servers = await Promise.all(
    workers.map((n) => ServerProcess.start([...args, '--workers', n], fresh.database)),
  );
  balancer = await Haproxy.start(servers.map((s) => Number(new URL(s.url).port)));
}, 90_000);

afterAll(async () => {
  await balancer?.stop();
  for (const server of servers) await server.stop();
  await redis?.close();
  await store?.close();
  await fresh?.cleanup();
});

describe('three instances, one PostgreSQL, one Redis, haproxy without affinity', () => {
  it('curl --digest and Python requests get 200 through the balancer, served by every instance', async () => {
    const dev = await account('dev@example.com');
    for (let i = 0; i < 3; i++) {
      const result = curl([
        '--digest',
        '-u',
        `${dev.username}:${dev.key}`,
        balancer.url + path(dev),
      ]);
      expect(result.status).toBe(200);
    }
    const script = `
import json, sys, requests
from requests.auth import HTTPDigestAuth
url, user, key = sys.argv[1:4]
s = requests.Session()
s.auth = HTTPDigestAuth(user, key)
rs = [s.get(url) for _ in range(9)]
print(json.dumps({"status": [r.status_code for r in rs], "by": [r.headers.get("X-Served-By") for r in rs]}))
`;
    const python = spawnSync(
      '/usr/bin/python3',
      ['-c', script, balancer.url + path(dev), dev.username, dev.key],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(python.stderr).toBe('');
    const out = JSON.parse(python.stdout) as { status: number[]; by: string[] };
    expect(out.status).toEqual(Array(9).fill(200));
    // Round-robin: a nonce issued by one instance is answered to the others.
    expect(new Set(out.by)).toEqual(new Set(['k1', 'k2', 'k3']));
  });

  it('a captured header replayed to each instance at once is accepted exactly once', async () => {
    const victim = await account('victim@example.com');
    const header = await answer(balancer.url, victim, 1);
    const from = { 'x-forwarded-for': '198.51.100.1' };
    const statuses = await Promise.all(
      servers.map(
        async (s) => (await get(s.url, path(victim), { authorization: header, ...from })).status,
      ),
    );
    expect(statuses.sort()).toEqual([200, 401, 401]);
  });

  it(`${2 * LIMIT} failed guesses spread over the instances: 429 from the ${LIMIT + 1}th on, as from one process`, async () => {
    const target = await account('target@example.com');
    const statuses: number[] = [];
    for (let i = 0; i < 2 * LIMIT; i++) {
      const authorization = await answer(servers[i % 3]!.url, target, 1, 'a-guess');
      const to = servers[(i + 1) % 3]!.url;
      statuses.push(
        (await get(to, path(target), { authorization, 'x-forwarded-for': '198.51.100.2' })).status,
      );
    }
    expect(statuses).toEqual([...Array(LIMIT).fill(401), ...Array(LIMIT).fill(429)]);
  });

  it('a key disabled on one instance is refused by all within 1 s', async () => {
    const owner = await account('owner@example.com');
    const user = await theStore().getUserByUsername(owner.username);
    if (!user) throw new Error('no owner');
    const second = await anotherKey(user);
    const doomed: Account = { ...owner, ...second };
    for (const s of servers) {
      expect(
        (await get(s.url, path(doomed), { authorization: await answer(s.url, doomed, 1) })).status,
      ).toBe(200);
    }
    const uri = `${path(owner)}/keys/${doomed.keyId}`;
    const patch = await fetch(servers[0]!.url + uri, {
      method: 'PATCH',
      headers: {
        'content-type': 'application/json',
        authorization: digestAuthorization({
          username: owner.username,
          password: owner.key,
          method: 'PATCH',
          uri,
          challenge: await challenge(servers[0]!.url, uri),
          nc: 1,
        }),
      },
      body: JSON.stringify({ enabled: false }),
    });
    expect(patch.status).toBe(200);
    const disabledAt = performance.now();
    const refusedAfter = await Promise.all(
      servers.map(async (s) => {
        for (let nc = 1; ; nc++) {
          const status = (
            await get(s.url, path(doomed), { authorization: await answer(s.url, doomed, nc) })
          ).status;
          if (status !== 200) return { status, ms: performance.now() - disabledAt };
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      }),
    );
    for (const refused of refusedAfter) {
      expect(refused.status).toBe(401);
      expect(refused.ms).toBeLessThan(1000);
    }
  });

  it('one instance killed under load: the others keep serving through the balancer', async () => {
    const busy = await account('busy@example.com');
    const statuses: { at: number; status: number }[] = [];
    const started = performance.now();
    let killedAt = Number.POSITIVE_INFINITY;
    const client = async () => {
      while (performance.now() - started < 3000) {
        // A fresh challenge each time: the challenge and its answer may land anywhere.
        const authorization = await answer(balancer.url, busy, 1).catch(() => '');
        const response = await get(balancer.url, path(busy), { authorization }).catch(
          () => undefined,
        );
        statuses.push({ at: performance.now(), status: response?.status ?? 0 });
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, client));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const victim = servers[2]!;
    await victim.stop('SIGKILL');
    killedAt = performance.now();
    await load;
    const after = statuses.filter((s) => s.at > killedAt + 500);
    expect(after.length).toBeGreaterThan(20);
    expect(after.filter((s) => s.status !== 200)).toEqual([]);
    const failed = statuses.filter((s) => s.status !== 200);
    // At most the requests in flight on the killed instance when it died.
    expect(failed.length).toBeLessThanOrEqual(8);
  });

  it('counts exact across instances: usedCount equals the 200s after a clean stop of all', async () => {
    const counted = await account('counted@example.com');
    const live = servers.filter((server) => !server.exited);
    expect(live.length).toBeGreaterThanOrEqual(2);
    let ok = 0;
    const client = async () => {
      for (let i = 0; i < 25; i++) {
        // A fresh challenge each time, so challenge and answer land on any instance.
        const authorization = await answer(balancer.url, counted, 1);
        if ((await get(balancer.url, path(counted), { authorization })).status === 200) ok++;
      }
    };
    await Promise.all(Array.from({ length: 8 }, client));
    expect(ok).toBeGreaterThan(100);
    // SIGTERM: each instance (and each worker) writes its pending counts before exiting.
    for (const server of live) {
      const code = await server.stop();
      expect(code, server.output.join('').slice(-3000)).toBe(0);
    }
    const keys = await theStore().listKeys(counted.id, {
      offset: 0,
      limit: 10,
      includeCount: false,
    });
    expect(keys.items.find((key) => key.id === counted.keyId)?.usedCount).toBe(ok);
  });
});
