// Two in-process instances on one database and one Redis (--redis-url): each nonce is tracked
// in Redis whichever instance issued it or receives it, and without Redis authentication fails
// closed (503: no 200 to a replay, no 401 to an uncounted guess) and comes back by itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/domain/passwords.js';
import { type Account, ATLAS, TestApi } from '../support/api.js';
import { ConsoleClient } from '../support/console-client.js';
import { digestAuthorization } from '../support/digest-client.js';
import { RedisServer } from '../support/redis-server.js';

let redis: RedisServer;
let a: TestApi;
let b: TestApi;

beforeAll(async () => {
  redis = await RedisServer.start();
  a = await TestApi.start({ redisUrl: redis.url, authFailureLimit: 10 });
  b = await a.anotherInstance();
});
afterAll(async () => {
  await b?.close();
  await a?.close();
  await redis?.close();
});

const url = (account: Account) => `${ATLAS}/users/${account.user.id}`;

/** An Authorization header answering a challenge of `issuer`, with the given nc. */
async function header(issuer: TestApi, account: Account, nc: number, key = account.key) {
  return digestAuthorization({
    username: account.username,
    password: key,
    method: 'GET',
    uri: url(account),
    challenge: await issuer.challenge(),
    nc,
  });
}

const send = (to: TestApi, account: Account, authorization: string) =>
  to.app.inject({ method: 'GET', url: url(account), headers: { authorization } });

describe('two instances sharing a Redis', () => {
  it('accepts a nonce issued by one on the other, each (nonce, nc) once over both', async () => {
    const { alice } = a;
    const first = await header(a, alice, 1);
    expect((await send(b, alice, first)).statusCode).toBe(200);
    const replayed = await send(a, alice, first);
    expect(replayed.statusCode).toBe(401);
    expect(replayed.headers['www-authenticate']?.toString()).toContain('stale=false');
    expect((await send(b, alice, first)).statusCode).toBe(401);
    // The same nonce with the next nc, on the issuer itself.
    const nonce = /nonce="([^"]+)"/.exec(first)?.[1];
    const second = first.replace(/nc=00000001/, 'nc=00000002');
    expect(second).not.toBe(first);
    expect(nonce).toBeDefined();
    // A new nc needs a new response: build it from the same challenge.
    const challenge = `Digest realm="MMS Public API", nonce="${nonce}", algorithm=MD5, qop="auth"`;
    const again = digestAuthorization({
      username: alice.username,
      password: alice.key,
      method: 'GET',
      uri: url(alice),
      challenge,
      nc: 2,
    });
    expect((await send(a, alice, again)).statusCode).toBe(200);
  });

  it('answers 503 while Redis is down, to right keys, replays and guesses alike, then recovers', async () => {
    const { bob } = a;
    const used = await header(a, bob, 1);
    expect((await send(a, bob, used)).statusCode).toBe(200);
    const fresh = await header(b, bob, 1);
    const wrong = await header(b, bob, 1, 'not-the-key');
    await redis.stop();
    for (const [to, authorization] of [
      [a, used],
      [b, used],
      [b, fresh],
      [a, wrong],
    ] as const) {
      const response = await send(to, bob, authorization);
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ error: 503, errorCode: 'SERVICE_UNAVAILABLE' });
    }
    // The console's sign-in throttle is Redis's too: no password is checked uncounted.
    await b.service.store.setPasswordHash('root', await hashPassword('the password'));
    const signIn = await new ConsoleClient(b.app).signIn('root', 'a-guess');
    expect(signIn.statusCode).toBe(503);
    await redis.start();
    // Redis came back empty: the epoch is new, so the header used before is stale, never 200.
    await expect
      .poll(async () => (await send(a, bob, used)).statusCode, { timeout: 5000, interval: 50 })
      .toBe(401);
    expect((await send(a, bob, used)).headers['www-authenticate']?.toString()).toContain(
      'stale=true',
    );
    await expect
      .poll(async () => (await send(b, bob, await header(a, bob, 1))).statusCode, {
        timeout: 5000,
        interval: 50,
      })
      .toBe(200);
  });
});
