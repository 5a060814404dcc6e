import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueOrgApiKey } from '../../src/domain/org-api-keys.js';
import { ATLAS, type TestApi } from '../support/api.js';
import { digestAuthorization } from '../support/digest-client.js';
import { as, curl, echoed, forged, get, run, type Stack, stack } from '../support/gateway-stack.js';
import { type Addresses, type RunningProxy, startCaddy, startNginx } from '../support/proxies.js';

// keyward (in process, on a real socket) as the forward-auth service of a real nginx and a
// real Caddy, each started from the config docs/gateway.md shows, in front of an upstream
// that echoes the headers it received: what the upstream sees is what an API would trust.

const PYTHON = `
import json, sys, requests
from requests.auth import HTTPDigestAuth
r = requests.get(sys.argv[1], auth=HTTPDigestAuth(sys.argv[2], sys.argv[3]))
algorithm = r.request.headers["Authorization"].split("algorithm=")[1].split(",")[0]
print(json.dumps({"status": r.status_code, "body": r.text, "algorithm": algorithm.strip('"')}))
`;

const proxies: [string, (to: Addresses) => Promise<RunningProxy>][] = [
  ['nginx 1.22', startNginx],
  ['Caddy 2.6', startCaddy],
];

describe.each(proxies)('through %s', (_name, start) => {
  let api: TestApi;
  let proxy: RunningProxy;
  let running: Stack | undefined;

  beforeAll(async () => {
    running = await stack(start);
    ({ api, proxy } = running);
  }, 30_000);
  afterAll(() => running?.close());

  it('passes on the API’s challenge, byte for byte (MD5 first)', async () => {
    const response = await get(proxy.url, '/x');
    expect(response.status).toBe(401);
    const nonce = /nonce="([^"]+)"/.exec(response.challenges[0] ?? '')?.[1] ?? '';
    const line = (algorithm: string) =>
      `Digest realm="MMS Public API", domain="", nonce="${nonce}", algorithm=${algorithm}, qop="auth", stale=false`;
    // nginx passes the first line only; Caddy passes keyward's answer as it is.
    expect(response.challenges).toEqual(
      _name.startsWith('nginx') ? [line('MD5')] : [line('MD5'), line('SHA-256')],
    );
  });

  it('curl --digest reaches the upstream, which sees keyward’s identity headers', async () => {
    const { alice } = api;
    await api.service.usage.flush();
    const before = (await api.service.store.getKey(alice.user.id, alice.keyId))?.usedCount ?? 0;
    const result = await curl([...as(alice), `${proxy.url}/orders/7?x=1&y=%2F`]);
    expect(result.status, proxy.log()).toBe(200);
    const echo = echoed(result.body);
    expect(echo.url).toBe('/orders/7?x=1&y=%2F');
    expect(echo.headers['x-keyward-user-id']).toBe(alice.user.id);
    expect(echo.headers['x-keyward-username']).toBe(alice.username);
    expect(echo.headers['x-keyward-key-id']).toBe(alice.keyId);
    expect(echo.headers['x-keyward-orgs']).toBe(`${api.orgId}:ORG_MEMBER`);
    await api.service.usage.flush();
    const after = (await api.service.store.getKey(alice.user.id, alice.keyId))?.usedCount;
    expect(after).toBe(before + 1);
  });

  it('passes a POST and its body to the upstream, not to keyward', async () => {
    const body = JSON.stringify({ order: 7 });
    const result = await curl([
      ...as(api.bob),
      '-H',
      'Content-Type: application/json',
      '--data',
      body,
      `${proxy.url}/orders`,
    ]);
    expect(result.status, proxy.log()).toBe(200);
    const echo = echoed(result.body);
    expect(echo.method).toBe('POST');
    expect(echo.headers['content-length']).toBe(String(body.length));
  });

  it('Python requests (HTTPDigestAuth) reaches the upstream', async () => {
    const { bob } = api;
    const result = await run('/usr/bin/python3', [
      '-c',
      PYTHON,
      `${proxy.url}/py/items?page=2`,
      bob.username,
      bob.key,
    ]);
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout);
    expect(out.status, proxy.log()).toBe(200);
    expect(echoed(out.body).headers['x-keyward-user-id']).toBe(bob.user.id);
    // requests answers the last challenge line: Caddy passes keyward's SHA-256 line too.
    expect(out.algorithm).toBe(_name.startsWith('nginx') ? 'MD5' : 'SHA-256');
  });

  it('never lets a client-sent identity header reach the upstream', async () => {
    const { alice } = api;
    const result = await curl([...as(alice), ...forged, `${proxy.url}/whoami`]);
    expect(result.status, proxy.log()).toBe(200);
    const { headers } = echoed(result.body);
    expect(headers['x-keyward-user-id']).toBe(alice.user.id);
    expect(headers['x-keyward-username']).toBe(alice.username);
    expect(headers['x-keyward-key-id']).toBe(alice.keyId);
    expect(headers['x-keyward-orgs']).toBe(`${api.orgId}:ORG_MEMBER`);
    expect(headers['x-keyward-global-roles'] ?? '').toBe('');
    expect(headers['x-keyward-principal']).toBe('user');
    expect(headers['x-keyward-public-key'] ?? '').toBe('');
  });

  it('lets a programmatic key through, and the upstream sees which kind signed', async () => {
    const issued = await issueOrgApiKey(api.service.store, {
      orgId: api.orgId,
      description: 'through the proxy',
      roles: ['ORG_MEMBER'],
      realm: api.service.realm,
    });
    if (!issued.ok) throw new Error(issued.error);
    const { record, privateKey } = issued.value;
    const signer = { username: record.publicKey, key: privateKey };
    const result = await curl([...as(signer), ...forged, `${proxy.url}/whoami`]);
    expect(result.status, proxy.log()).toBe(200);
    const { headers } = echoed(result.body);
    expect(headers['x-keyward-principal']).toBe('apiKey');
    expect(headers['x-keyward-public-key']).toBe(record.publicKey);
    expect(headers['x-keyward-user-id'] ?? '').toBe('');
    expect(headers['x-keyward-username'] ?? '').toBe('');
    expect(headers['x-keyward-orgs']).toBe(`${api.orgId}:ORG_MEMBER`);
    expect(headers['x-keyward-global-roles'] ?? '').toBe('');
  });

  it('answers a wrong key 401 with a challenge curl answers', async () => {
    const result = await curl(['--digest', '-u', `${api.bob.username}:wrong`, `${proxy.url}/x`]);
    expect(result.status).toBe(401);
    // curl read the challenge, answered it, and was refused again with a fresh one.
    expect(result.trace).toMatch(/> Authorization: Digest username="bob@example.com"/);
    expect(result.trace).toMatch(/< WWW-Authenticate: Digest realm="MMS Public API", domain=""/i);
  });

  it('refuses a replayed Authorization header', async () => {
    const first = (await get(proxy.url, '/replayed')).challenges[0];
    const authorization = digestAuthorization({
      username: api.bob.username,
      password: api.bob.key,
      method: 'GET',
      uri: '/replayed',
      challenge: String(first),
      nc: 1,
    });
    expect((await get(proxy.url, '/replayed', { authorization })).status).toBe(200);
    expect((await get(proxy.url, '/replayed', { authorization })).status).toBe(401);
  });

  it('refuses a disabled key at once', async () => {
    const url = `${ATLAS}/users/${api.root.user.id}/keys`;
    const made = await api.request({
      method: 'POST',
      url,
      as: api.root,
      body: { description: 'p' },
    });
    const key = { ...api.root, key: made.json().key as string };
    expect((await curl([...as(key), `${proxy.url}/k`])).status).toBe(200);
    const patch = { enabled: false };
    const off = await api.request({
      method: 'PATCH',
      url: `${url}/${made.json().id}`,
      as: api.root,
      body: patch,
    });
    expect(off.statusCode).toBe(200);
    expect((await curl([...as(key), `${proxy.url}/k`])).status).toBe(401);
  });

  it('applies a location’s requirement: 403 with the reason', async () => {
    const denied = await curl([...as(api.alice), `${proxy.url}/admin/users`]);
    expect(denied.status).toBe(403);
    expect(denied.trace).toMatch(/< X-Keyward-Denied: Denied: lacks global role GLOBAL_OWNER/i);
    expect((await curl([...as(api.root), `${proxy.url}/admin/users`])).status).toBe(200);
  });

  it('answers a locked-out client 403 with Retry-After', async () => {
    const wrong = ['--digest', '-u', `${api.bob.username}:wrong`, `${proxy.url}/x`];
    let result = await curl(wrong);
    for (let i = 0; i < 10 && result.status === 401; i++) result = await curl(wrong);
    expect(result.status, proxy.log()).toBe(403);
    expect(result.trace).toMatch(/< Retry-After: \d+/i);
  });
});
