import { spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { request as urllib } from 'urllib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestAuthorization } from '../support/digest-client.js';
import { curl, type Fixture, startWithUser } from './fixture.js';

const UNAUTHORIZED =
  '{"error":401,"reason":"Unauthorized","detail":"You are not authorized for this resource."}';

describe('real clients against a spawned server (MD5 first, as Atlas)', () => {
  let f: Fixture;
  beforeAll(async () => {
    // Two workers, as the default gives on two cores: urllib answers a challenge on another
    // connection, which lands on the other worker (docs/operations.md, replay).
    f = await startWithUser(['--workers', '2']);
  });
  afterAll(() => f.cleanup());

  it('sends the byte-exact Atlas challenge, one line per algorithm, one nonce', async () => {
    const response = await new Promise<{ status: number; raw: string[]; body: string }>(
      (resolve, reject) => {
        httpRequest(f.keysUrl, (res) => {
          let body = '';
          res.on('data', (chunk) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, raw: res.rawHeaders, body }));
        })
          .on('error', reject)
          .end();
      },
    );
    expect(response.status).toBe(401);
    expect(response.body).toBe(UNAUTHORIZED);
    const challenges = response.raw.filter(
      (_, i) => i % 2 === 1 && /^www-authenticate$/i.test(response.raw[i - 1] ?? ''),
    );
    expect(challenges).toHaveLength(2);
    const nonce = /nonce="([^"]+)"/.exec(challenges[0] ?? '')?.[1] ?? '';
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(challenges).toEqual([
      `Digest realm="MMS Public API", domain="", nonce="${nonce}", algorithm=MD5, qop="auth", stale=false`,
      `Digest realm="MMS Public API", domain="", nonce="${nonce}", algorithm=SHA-256, qop="auth", stale=false`,
    ]);
  });

  it('routes a target with a bare trailing ? and accepts it as the digest uri', async () => {
    const target = `/api/atlas/v1.0/users/${f.userId}?`;
    const get = (authorization?: string) =>
      new Promise<{ status: number; challenge: string; body: string }>((resolve, reject) => {
        const url = new URL(f.server.url);
        httpRequest(
          {
            host: url.hostname,
            port: url.port,
            path: target,
            headers: authorization ? { authorization } : {},
          },
          (res) => {
            let body = '';
            res.on('data', (chunk) => {
              body += chunk;
            });
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                challenge: String(res.headers['www-authenticate']),
                body,
              }),
            );
          },
        )
          .on('error', reject)
          .end();
      });
    const first = await get();
    expect(first.status).toBe(401);
    const challenge = first.challenge.split(', Digest')[0] ?? '';
    const answer = await get(
      digestAuthorization({
        username: f.username,
        password: f.key,
        method: 'GET',
        uri: target,
        challenge,
        nc: 1,
      }),
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).id).toBe(f.userId);
  });

  it('curl --digest lists, creates (the spec example), and the new key works with curl', () => {
    const list = curl(['--digest', '-u', `${f.username}:${f.key}`, f.keysUrl]);
    expect(list.status).toBe(200);
    expect(list.trace).toMatch(/Authorization: Digest .*algorithm=MD5/);
    expect(JSON.parse(list.body).totalCount).toBe(1);

    const created = curl([
      '-X',
      'POST',
      '--digest',
      '-u',
      `${f.username}:${f.key}`,
      '--header',
      'Content-Type: application/json',
      f.keysUrl,
      '--data',
      '{"description":"New API Key"}',
    ]);
    expect(created.status).toBe(201);
    const key = JSON.parse(created.body);
    expect(key.description).toBe('New API Key');
    const withNew = curl([
      '--digest',
      '-u',
      `${f.username}:${key.key}`,
      `${f.keysUrl}?pretty=true`,
    ]);
    expect(withNew.status).toBe(200);
    expect(withNew.body).toContain('\n  "links": [');
    expect(withNew.body).not.toContain(key.key);
  });

  it('curl: a wrong key is 401 with the Atlas body; envelope wraps through curl', () => {
    const wrong = curl([
      '--digest',
      '-u',
      `${f.username}:00000000-0000-4000-8000-000000000000`,
      f.keysUrl,
    ]);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toBe(UNAUTHORIZED);
    const enveloped = curl([
      '--digest',
      '-u',
      `${f.username}:${f.key}`,
      `${f.keysUrl}?envelope=true`,
    ]);
    expect(JSON.parse(enveloped.body).status).toBe(200);
  });

  it('Python requests HTTPDigestAuth: a session of several requests (answers the last, SHA-256, line)', () => {
    const script = `
import json, sys, requests
from requests.auth import HTTPDigestAuth
url, user, key = sys.argv[1:4]
s = requests.Session()
s.auth = HTTPDigestAuth(user, key)
out = [s.get(url).status_code for _ in range(5)]
created = s.post(url, json={"description": "from python"})
listed = s.get(url, params={"itemsPerPage": 1, "pageNum": 2})
print(json.dumps({"gets": out, "created": created.status_code, "key": created.json().get("key"),
                  "list": listed.status_code, "links": listed.json()["links"],
                  "algorithm": created.request.headers["Authorization"].split("algorithm=")[1].split(",")[0]}))
`;
    const result = spawnSync('/usr/bin/python3', ['-c', script, f.keysUrl, f.username, f.key], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout);
    expect(out.gets).toEqual([200, 200, 200, 200, 200]);
    expect(out.created).toBe(201);
    expect(out.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.list).toBe(200);
    expect(out.algorithm.replace(/"/g, '')).toBe('SHA-256');
    expect(out.links.map((l: { rel: string }) => l.rel)).toContain('previous');
  });

  it('Node urllib digestAuth: 20 requests in a row, a create, and a wrong key', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await urllib(f.keysUrl, {
        digestAuth: `${f.username}:${f.key}`,
        dataType: 'json',
      });
      expect(res.status).toBe(200);
    }
    const created = await urllib(f.keysUrl, {
      method: 'POST',
      digestAuth: `${f.username}:${f.key}`,
      data: { description: 'from urllib' },
      contentType: 'json',
      dataType: 'json',
    });
    expect(created.status).toBe(201);
    const wrong = await urllib(f.keysUrl, { digestAuth: `${f.username}:nope`, dataType: 'text' });
    expect(wrong.status).toBe(401);
    expect(wrong.data).toBe(UNAUTHORIZED);
  });
});

describe('curl with SHA-256 offered first', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startWithUser(['--digest-algorithms', 'SHA-256,MD5']);
  });
  afterAll(() => f.cleanup());

  it('authenticates with SHA-256', () => {
    const list = curl(['--digest', '-u', `${f.username}:${f.key}`, f.keysUrl]);
    expect(list.trace).toMatch(/Authorization: Digest .*algorithm=SHA-256/);
    expect(list.status).toBe(200);
  });
});
