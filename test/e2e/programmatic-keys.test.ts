// Programmatic API keys with real clients against a spawned server: made with the CLI, used
// by curl --digest and Python requests as publicKey:privateKey, and refused once deleted.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestAuthorization } from '../support/digest-client.js';
import { keyward, keywardJson, ServerProcess } from '../support/server-process.js';
import { curl } from './fixture.js';

interface KeyDocument {
  id: string;
  desc: string;
  publicKey: string;
  privateKey: string;
  roles: { orgId: string; roleName: string }[];
}

describe('programmatic API keys with real clients', () => {
  let folder: string;
  let db: string[];
  let orgId: string;
  let server: ServerProcess | undefined;
  let owner: KeyDocument;
  const api = () => `${server?.url}/api/atlas/v1.0/orgs/${orgId}`;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'keyward-apikeys-'));
    const database = join(folder, 'keyward.db');
    db = ['--database', database];
    keywardJson(['migrate', ...db]);
    orgId = keywardJson<{ id: string }>(['orgs', 'create', '--name', 'Robots', ...db]).id;
    keywardJson(['users', 'create', '--username', 'member@example.com', '--org', orgId, ...db]);
    owner = keywardJson<KeyDocument>([
      'apikeys',
      'create',
      '--org',
      orgId,
      '--desc',
      'ci owner',
      '--role',
      'ORG_OWNER',
      ...db,
    ]);
    // Two workers: a client's challenge and its answer may land on different ones.
    server = await ServerProcess.start(['--workers', '2'], database);
    // Five processes in a row: slow on a busy machine.
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('the CLI prints the private key once, redacts it in lists, updates and deletes', () => {
    expect(owner.publicKey).toMatch(/^[a-z]{8}$/);
    expect(owner.privateKey).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(owner.roles).toEqual([{ orgId, roleName: 'ORG_OWNER' }]);
    const quiet = keyward([
      'apikeys',
      'create',
      '--org',
      orgId,
      '--desc',
      'q',
      '--role',
      'ORG_MEMBER',
      '--quiet',
      ...db,
    ]);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
    const plain = keyward([
      'apikeys',
      'create',
      '--org',
      orgId,
      '--desc',
      'p',
      '--role',
      'ORG_MEMBER',
      ...db,
    ]);
    expect(plain.stdout).toMatch(/^public key: {2}[a-z]{8}\nprivate key: [0-9a-f-]{36}\n$/);
    expect(plain.stderr).toMatch(/cannot be shown again/);
    const refused = keyward([
      'apikeys',
      'create',
      '--org',
      orgId,
      '--desc',
      'x',
      '--role',
      'NOPE',
      ...db,
    ]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/--role must be one of/);

    const list = keyward(['apikeys', 'list', '--org', orgId, ...db]);
    expect(list.stdout).toContain(owner.publicKey);
    expect(list.stdout).toContain(`********-****-****-${owner.privateKey.slice(-12)}`);
    expect(list.stdout).not.toContain(owner.privateKey);
    const listed = keywardJson<{ totalCount: number; results: KeyDocument[] }>([
      'apikeys',
      'list',
      '--org',
      orgId,
      ...db,
    ]);
    expect(listed.totalCount).toBe(3);
    const target = listed.results[2]!;
    const updated = keywardJson<KeyDocument>([
      'apikeys',
      'update',
      '--org',
      orgId,
      '--id',
      target.id,
      '--desc',
      'renamed',
      '--role',
      'ORG_READ_ONLY',
      ...db,
    ]);
    expect(updated).toMatchObject({
      desc: 'renamed',
      roles: [{ orgId, roleName: 'ORG_READ_ONLY' }],
    });
    expect(keyward(['apikeys', 'delete', '--org', orgId, '--id', target.id, ...db]).status).toBe(0);
    expect(
      keyward(['apikeys', 'delete', '--org', orgId, '--id', target.id, ...db]).status,
    ).not.toBe(0);
  }, 180_000);

  it('curl --digest authenticates with publicKey:privateKey', () => {
    const user = `${owner.publicKey}:${owner.privateKey}`;
    const keys = curl(['--digest', '-u', user, `${api()}/apiKeys`]);
    expect(keys.status, keys.body).toBe(200);
    expect(keys.trace).toMatch(/Authorization: Digest username="[a-z]{8}"/);
    const listed = JSON.parse(keys.body).results.map((k: KeyDocument) => k.publicKey);
    expect(listed).toContain(owner.publicKey);
    const users = curl(['--digest', '-u', user, `${api()}/users`]);
    expect(users.status).toBe(200);
    expect(JSON.parse(users.body).results[0].username).toBe('member@example.com');
    const created = curl([
      '--digest',
      '-u',
      user,
      '-H',
      'Content-Type: application/json',
      '-d',
      '{"desc":"made by curl","roles":["ORG_MEMBER"]}',
      `${api()}/apiKeys`,
    ]);
    expect(created.status).toBe(200);
    expect(JSON.parse(created.body).privateKey).toMatch(/^[0-9a-f-]{36}$/);
    const wrong = curl(['--digest', '-u', `${owner.publicKey}:nope`, `${api()}/apiKeys`]);
    expect(wrong.status).toBe(401);
  });

  it('Python requests HTTPDigestAuth uses a key, and a deleted key gets 401 afterwards', () => {
    const script = `
import json, sys, time, requests
from requests.auth import HTTPDigestAuth
base, user, key = sys.argv[1:4]
s = requests.Session()
s.auth = HTTPDigestAuth(user, key)
users = s.get(base + "/users")
made = s.post(base + "/apiKeys", json={"desc": "from python", "roles": ["ORG_MEMBER"]}).json()
k = requests.Session()
k.auth = HTTPDigestAuth(made["publicKey"], made["privateKey"])
before = k.get(base + "/users").status_code
forbidden = k.get(base + "/apiKeys").status_code
deleted = s.delete(base + "/apiKeys/" + made["id"]).status_code
# The other worker learns of the delete within its revision poll (1 s on SQLite).
time.sleep(1.5)
after = requests.get(base + "/users", auth=HTTPDigestAuth(made["publicKey"], made["privateKey"])).status_code
print(json.dumps({"users": users.status_code, "count": users.json()["totalCount"], "before": before,
                  "forbidden": forbidden, "deleted": deleted, "after": after,
                  "algorithm": users.request.headers["Authorization"].split("algorithm=")[1].split(",")[0]}))
`;
    const result = spawnSync(
      '/usr/bin/python3',
      ['-c', script, api(), owner.publicKey, owner.privateKey],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout);
    expect(out).toMatchObject({
      users: 200,
      count: 1,
      before: 200,
      forbidden: 401,
      deleted: 204,
      after: 401,
    });
    expect(out.algorithm.replace(/"/g, '')).toBe('SHA-256');
  });

  it('refuses a replayed Authorization header of a programmatic key', async () => {
    const url = `${api()}/users`;
    const challenge = (await fetch(url)).headers.get('www-authenticate') ?? '';
    const authorization = digestAuthorization({
      username: owner.publicKey,
      password: owner.privateKey,
      method: 'GET',
      uri: new URL(url).pathname,
      challenge: challenge.split(', Digest ')[0] ?? challenge,
      nc: 1,
    });
    const first = await fetch(url, { headers: { authorization } });
    expect(first.status).toBe(200);
    const replayed = await fetch(url, { headers: { authorization } });
    expect(replayed.status).toBe(401);
  });

  it('a key deleted with the CLI is refused by the running server within the revision poll', async () => {
    const made = keywardJson<KeyDocument>([
      'apikeys',
      'create',
      '--org',
      orgId,
      '--desc',
      'doomed',
      '--role',
      'ORG_MEMBER',
      ...db,
    ]);
    const user = `${made.publicKey}:${made.privateKey}`;
    expect(curl(['--digest', '-u', user, `${api()}/users`]).status).toBe(200);
    expect(keyward(['apikeys', 'delete', '--org', orgId, '--id', made.id, ...db]).status).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(curl(['--digest', '-u', user, `${api()}/users`]).status).toBe(401);
  });
});
