import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Algorithm,
  computeHa1,
  createDigestAuthenticator,
  type DigestAuthenticatorOptions,
  type DigestCredentials,
  localRoutes,
  type RemoteReplay,
  type VerifyOutcome,
} from '../../src/digest/index.js';
import type { KeyCredential } from '../../src/domain/records.js';
import { digestAuthorization, digestHex } from '../support/digest-client.js';
import { versionOneNonce } from '../support/nonce-v1.js';

const REALM = 'MMS Public API';
const USER = 'alice@example.com';
const URI = '/api/atlas/v1.0/orgs?pretty=true';

function keyFor(keyId: string, password: string, username = USER, realm = REALM): KeyCredential {
  return {
    keyId,
    ha1: {
      MD5: computeHa1('MD5', username, realm, password),
      'SHA-256': computeHa1('SHA-256', username, realm, password),
      'SHA-512-256': computeHa1('SHA-512-256', username, realm, password),
    },
  };
}

const KEYS = [keyFor('k1', 'first-key'), keyFor('k2', 'second-key'), keyFor('k3', 'third-key')];

function setup(overrides: Partial<DigestAuthenticatorOptions> = {}) {
  let t = 1_700_000_000_000;
  const auth = createDigestAuthenticator({
    realm: REALM,
    algorithms: ['MD5', 'SHA-256', 'SHA-512-256', 'MD5-sess', 'SHA-256-sess', 'SHA-512-256-sess'],
    nonceSecrets: [Buffer.alloc(32, 7)],
    now: () => t,
    ...overrides,
  });
  const challengeFor = (alg: Algorithm = 'MD5') => {
    const line = auth.challenge(false).find((l) => l.includes(`algorithm=${alg},`));
    if (!line) throw new Error(`no ${alg} challenge`);
    return line;
  };
  /** Parse the client's header and verify it, as the HTTP layer does. */
  const attempt = (
    header: string,
    keys: readonly KeyCredential[] | 'unknown user' = KEYS,
    request = { method: 'GET', uri: URI },
  ): VerifyOutcome => {
    const parsed = auth.parse(header);
    if (parsed.kind !== 'credentials') throw new Error(`parse: ${JSON.stringify(parsed)}`);
    return auth.verify(parsed.credentials, request, keys === 'unknown user' ? undefined : keys);
  };
  return { auth, challengeFor, attempt, advance: (ms: number) => (t += ms) };
}

function header(challenge: string, password: string, nc: number | string = 1, extra: object = {}) {
  return digestAuthorization({
    username: USER,
    password,
    method: 'GET',
    uri: URI,
    challenge,
    nc,
    ...extra,
  });
}

describe('authenticator: success', () => {
  it.each([
    'MD5',
    'SHA-256',
    'SHA-512-256',
    'MD5-sess',
    'SHA-256-sess',
    'SHA-512-256-sess',
  ] as const)('%s', (alg) => {
    const { challengeFor, attempt } = setup();
    const challenge = challengeFor(alg);
    const outcome = attempt(header(challenge, 'first-key', 1, { cnonce: 'cn0' }));
    expect(outcome).toMatchObject({ kind: 'authenticated', keyId: 'k1' });
    // rspauth, recomputed independently: the response formula with an empty method.
    const nonce = /nonce="([^"]+)"/.exec(challenge)![1];
    const H = (data: string) => digestHex(alg, data);
    let ha1 = H(`${USER}:${REALM}:first-key`);
    if (alg.endsWith('-sess')) ha1 = H(`${ha1}:${nonce}:cn0`);
    const rspauth = H(`${ha1}:${nonce}:00000001:cn0:auth:${H(`:${URI}`)}`);
    expect(outcome.kind === 'authenticated' && outcome.authenticationInfo).toBe(
      `rspauth="${rspauth}", cnonce="cn0", nc=00000001, qop=auth`,
    );
  });

  it("finds the user's second of three keys; another key on the same nonce still works", () => {
    const { challengeFor, attempt } = setup();
    const challenge = challengeFor();
    expect(attempt(header(challenge, 'second-key', 1))).toMatchObject({
      kind: 'authenticated',
      keyId: 'k2',
    });
    expect(attempt(header(challenge, 'third-key', 2))).toMatchObject({
      kind: 'authenticated',
      keyId: 'k3',
    });
  });

  it('tries the key that last used the nonce first', () => {
    // Two keys with the same secret are indistinguishable, so which one matches shows the order.
    const { challengeFor, attempt } = setup();
    const [a, b] = [keyFor('a', 'same'), keyFor('b', 'same')];
    const challenge = challengeFor();
    expect(attempt(header(challenge, 'same', 1), [b])).toMatchObject({ keyId: 'b' });
    expect(attempt(header(challenge, 'same', 2), [a, b])).toMatchObject({ keyId: 'b' });
    expect(attempt(header(challengeFor(), 'same', 1), [a, b])).toMatchObject({ keyId: 'a' });
  });

  it('treats an absent algorithm as MD5', () => {
    const { challengeFor, attempt } = setup();
    const h = header(challengeFor('MD5'), 'first-key', 1, { algorithm: null });
    expect(h).not.toContain('algorithm=');
    expect(attempt(h)).toMatchObject({ kind: 'authenticated', keyId: 'k1' });
  });

  it('accepts a decimal-looking counter and out-of-order nc, once each', () => {
    const { challengeFor, attempt } = setup();
    const c = challengeFor('SHA-256');
    expect(attempt(header(c, 'first-key', '00000009')).kind).toBe('authenticated');
    expect(attempt(header(c, 'first-key', '00000010')).kind).toBe('authenticated');
    expect(attempt(header(c, 'first-key', '00000005')).kind).toBe('authenticated');
    expect(attempt(header(c, 'first-key', '00000010'))).toEqual({
      kind: 'rejected',
      stale: false,
      reason: 'replay',
    });
  });

  it('authenticates a non-ASCII username sent as username*', () => {
    const { challengeFor, attempt } = setup();
    const username = 'jörg@example.com';
    const h = digestAuthorization({
      username,
      password: 'pw',
      method: 'GET',
      uri: URI,
      challenge: challengeFor(),
      nc: 1,
    });
    expect(h).toContain("username*=UTF-8''j%C3%B6rg");
    expect(attempt(h, [keyFor('kj', 'pw', username)])).toMatchObject({
      kind: 'authenticated',
      keyId: 'kj',
    });
  });
});

describe('authenticator: rejection', () => {
  const rejectedWith = (reason: string, stale = false) => ({ kind: 'rejected', stale, reason });

  it('wrong key: rejected without stale', () => {
    const { challengeFor, attempt } = setup();
    expect(attempt(header(challengeFor(), 'not-a-key'))).toEqual(rejectedWith('wrong-response'));
  });

  it('a user with no enabled keys is rejected', () => {
    const { challengeFor, attempt } = setup();
    expect(attempt(header(challengeFor(), 'first-key'), [])).toEqual(
      rejectedWith('wrong-response'),
    );
  });

  it('unknown user: rejected without stale', () => {
    const { challengeFor, attempt } = setup();
    expect(attempt(header(challengeFor(), 'first-key'), 'unknown user')).toEqual(
      rejectedWith('unknown-user'),
    );
  });

  it('expired nonce with the right key: stale=true; with a wrong key: not stale', () => {
    const { challengeFor, attempt, advance } = setup({ nonceLifetimeMs: 1000 });
    const c = challengeFor();
    advance(1001);
    expect(attempt(header(c, 'first-key'))).toEqual(rejectedWith('expired-nonce', true));
    expect(attempt(header(c, 'wrong'))).toEqual(rejectedWith('wrong-response'));
  });

  it('forged nonce: not stale, even with a response computed over it', () => {
    const { challengeFor, attempt } = setup();
    const c = challengeFor();
    const nonce = /nonce="([^"]+)"/.exec(c)![1]!;
    const forged = c.replace(nonce, `${nonce[0] === 'A' ? 'B' : 'A'}${nonce.slice(1)}`);
    expect(attempt(header(forged, 'first-key'))).toEqual(rejectedWith('forged-nonce'));
  });

  it('a nonce from another deployment is forged', () => {
    const other = setup({ nonceSecrets: [Buffer.alloc(32, 8)] });
    const { attempt } = setup();
    expect(attempt(header(other.challengeFor(), 'first-key'))).toEqual(
      rejectedWith('forged-nonce'),
    );
  });

  it('replayed request: rejected, not stale', () => {
    const { challengeFor, attempt } = setup();
    const h = header(challengeFor(), 'first-key', 7);
    expect(attempt(h).kind).toBe('authenticated');
    expect(attempt(h)).toEqual(rejectedWith('replay'));
  });

  it('evicted nonce with the right key: stale=true', () => {
    const { challengeFor, attempt, advance } = setup({ replayWindow: { maxNonces: 1 } });
    const first = challengeFor();
    expect(attempt(header(first, 'first-key', 1)).kind).toBe('authenticated');
    advance(1);
    expect(attempt(header(challengeFor(), 'first-key', 1)).kind).toBe('authenticated');
    expect(attempt(header(first, 'first-key', 2))).toEqual(rejectedWith('evicted-nonce', true));
  });

  it('nc below the window: stale=true', () => {
    const { challengeFor, attempt } = setup({ replayWindow: { ncWindow: 32 } });
    const c = challengeFor();
    expect(attempt(header(c, 'first-key', 100)).kind).toBe('authenticated');
    expect(attempt(header(c, 'first-key', 2))).toEqual(rejectedWith('nc-below-window', true));
  });

  it('wrong realm, and algorithms that are not enabled or unknown', () => {
    const { auth, challengeFor, attempt } = setup({ algorithms: ['SHA-256'] });
    expect(auth.challenge(false)).toHaveLength(1);
    const c = challengeFor('SHA-256');
    const otherRealm = c.replace(REALM, 'Other');
    expect(attempt(header(otherRealm, 'first-key'))).toEqual(rejectedWith('wrong-realm'));
    expect(attempt(header(c, 'first-key', 1, { algorithm: 'MD5' }))).toEqual(
      rejectedWith('algorithm-not-enabled'),
    );
    expect(attempt(header(c, 'first-key', 1, { algorithm: null }))).toEqual(
      rejectedWith('algorithm-not-enabled'),
    );
    const unknown = header(c, 'first-key').replace('algorithm=SHA-256', 'algorithm=SHA-1');
    expect(unknown).toContain('algorithm=SHA-1,');
    expect(attempt(unknown)).toEqual(rejectedWith('algorithm-not-enabled'));
  });

  it('a uri that is not the request target is malformed', () => {
    const { challengeFor, attempt } = setup();
    const h = header(challengeFor(), 'first-key');
    expect(attempt(h, KEYS, { method: 'GET', uri: '/api/atlas/v1.0/orgs?pretty=false' })).toEqual({
      kind: 'malformed',
      detail: 'uri does not match the request target',
    });
    expect(attempt(h, KEYS, { method: 'GET', uri: '/api/atlas/v1.0/orgs' }).kind).toBe('malformed');
  });

  it('the method is part of the response', () => {
    const { challengeFor, attempt } = setup();
    expect(
      attempt(header(challengeFor(), 'first-key'), KEYS, { method: 'DELETE', uri: URI }),
    ).toEqual(rejectedWith('wrong-response'));
  });

  it('a response of the wrong length is a wrong response, not an error', () => {
    const { auth, challengeFor } = setup();
    const parsed = auth.parse(header(challengeFor(), 'first-key'));
    if (parsed.kind !== 'credentials') throw new Error('parse');
    const short: DigestCredentials = {
      ...parsed.credentials,
      response: parsed.credentials.response.slice(2),
    };
    expect(auth.verify(short, { method: 'GET', uri: URI }, KEYS)).toEqual(
      rejectedWith('wrong-response'),
    );
  });
});

describe('authenticator: nonces of another issuer (a restart, another process)', () => {
  const foreign = { kind: 'rejected', stale: true, reason: 'foreign-nonce' };

  it('a response accepted by one is answered stale by the next on the same secrets, never accepted', () => {
    const before = setup();
    const after = setup();
    const c = before.challengeFor();
    const h = header(c, 'first-key', 1);
    expect(before.attempt(h).kind).toBe('authenticated');
    // The captured header, and the same nonce with an nc the first never saw.
    expect(after.attempt(h)).toEqual(foreign);
    expect(after.attempt(h)).toEqual(foreign);
    expect(after.attempt(header(c, 'first-key', 2))).toEqual(foreign);
    expect(after.attempt(header(c, 'wrong', 3))).toEqual({
      kind: 'rejected',
      stale: false,
      reason: 'wrong-response',
    });
    expect(after.auth.trackedNonces()).toBe(0);
    // The honest client takes the fresh challenge that came with stale=true and gets in.
    expect(after.attempt(header(after.challengeFor(), 'first-key', 1)).kind).toBe('authenticated');
  });

  it('an authenticator given the same issuer accepts its nonces (for one shared window)', () => {
    const issuer = Buffer.alloc(8, 0x5a);
    const first = setup({ replayRoutes: localRoutes(issuer) });
    const second = setup({ replayRoutes: localRoutes(issuer) });
    expect(second.attempt(header(first.challengeFor(), 'first-key', 1)).kind).toBe('authenticated');
    expect(() => setup({ replayRoutes: localRoutes(Buffer.alloc(7)) })).toThrow(/issuer/);
  });

  it('a version-1 nonce: stale when the response verifies, not when forged or the key is wrong', () => {
    const { attempt, advance } = setup({ nonceLifetimeMs: 1000 });
    const v1 = versionOneNonce(Buffer.alloc(32, 7), 1_700_000_000_000);
    const c = `Digest realm="${REALM}", nonce="${v1}", algorithm=MD5, qop="auth"`;
    expect(attempt(header(c, 'first-key', 1))).toEqual(foreign);
    expect(attempt(header(c, 'first-key', 1))).toEqual(foreign);
    expect(attempt(header(c, 'wrong', 2))).toMatchObject({
      stale: false,
      reason: 'wrong-response',
    });
    const forgedNonce = versionOneNonce(Buffer.alloc(32, 8), 1_700_000_000_000);
    expect(attempt(header(c.replace(v1, forgedNonce), 'first-key', 1))).toEqual({
      kind: 'rejected',
      stale: false,
      reason: 'forged-nonce',
    });
    advance(1001);
    expect(attempt(header(c, 'first-key', 3))).toMatchObject({
      stale: true,
      reason: 'expired-nonce',
    });
  });
});

describe('authenticator: properties', () => {
  it('never accepts a response computed with a wrong password', () => {
    const { challengeFor, attempt } = setup();
    const algorithms = ['MD5', 'SHA-256', 'SHA-512-256', 'MD5-sess'] as const;
    fc.assert(
      fc.property(
        fc
          .string({ maxLength: 40 })
          .filter((p) => !['first-key', 'second-key', 'third-key'].includes(p)),
        fc.constantFrom(...algorithms),
        fc.integer({ min: 1, max: 0xffffffff }),
        (password, alg, nc) => {
          const outcome = attempt(header(challengeFor(alg), password, nc));
          expect(outcome).toEqual({ kind: 'rejected', stale: false, reason: 'wrong-response' });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('challenges: one line per enabled algorithm in order, one shared fresh nonce', () => {
    const { auth } = setup({ algorithms: ['SHA-256', 'MD5'] });
    const first = auth.challenge(true);
    const second = auth.challenge(false);
    const nonceOf = (line: string) => /nonce="([^"]+)"/.exec(line)![1];
    expect(first.map((l) => /algorithm=([^,]+)/.exec(l)![1])).toEqual(['SHA-256', 'MD5']);
    expect(nonceOf(first[0]!)).toBe(nonceOf(first[1]!));
    expect(nonceOf(second[0]!)).not.toBe(nonceOf(first[0]!));
    expect(first[0]).toMatch(/, stale=true$/);
    expect(second[0]).toMatch(/, stale=false$/);
  });

  it('refuses an empty or duplicated algorithm list', () => {
    const base = { realm: REALM, nonceSecrets: [Buffer.alloc(32)] };
    expect(() => createDigestAuthenticator({ ...base, algorithms: [] })).toThrow(/no algorithms/);
    expect(() => createDigestAuthenticator({ ...base, algorithms: ['MD5', 'MD5'] })).toThrow(
      /duplicate/,
    );
  });
});

describe('authenticator: replay windows held elsewhere (replay-routes.ts)', () => {
  /** Routes whose own nonces are tracked by `remote`, as with a shared store. */
  function remoteSetup(remote: RemoteReplay) {
    const issuer = Buffer.alloc(8, 0x33);
    return setup({ replayRoutes: { issuer: () => issuer, route: () => remote } });
  }

  it("settles a nonce tracked elsewhere with that window's verdict", async () => {
    // A window held elsewhere, here a second authenticator's own.
    const owner = setup();
    const remote: RemoteReplay = {
      accept: async (...args) => owner.auth.acceptForPeer(...args),
    };
    const { attempt, challengeFor } = remoteSetup(remote);
    const h = header(challengeFor(), 'first-key', 1);
    const first = attempt(h);
    expect(first.kind).toBe('pending');
    if (first.kind !== 'pending') return;
    expect(await first.outcome).toMatchObject({ kind: 'authenticated', keyId: 'k1' });
    expect(owner.auth.trackedNonces()).toBe(1);
    const again = attempt(h);
    if (again.kind !== 'pending') throw new Error('expected pending');
    expect(await again.outcome).toEqual({ kind: 'rejected', stale: false, reason: 'replay' });
  });

  it('answers unavailable (never authenticated) when the window cannot be reached, stale when it lost the issuer', async () => {
    for (const [verdict, expected] of [
      ['unavailable', { kind: 'unavailable' }],
      ['foreign', { kind: 'rejected', stale: true, reason: 'foreign-nonce' }],
    ] as const) {
      const { attempt, challengeFor } = remoteSetup({ accept: async () => verdict });
      const outcome = attempt(header(challengeFor(), 'first-key', 1));
      if (outcome.kind !== 'pending') throw new Error('expected pending');
      expect(await outcome.outcome).toEqual(expected);
    }
  });

  it('rejects a wrong response at once, without asking the remote window', () => {
    let asked = 0;
    const { attempt, challengeFor } = remoteSetup({
      accept: async () => {
        asked++;
        return 'accepted';
      },
    });
    expect(attempt(header(challengeFor(), 'wrong', 1))).toMatchObject({
      kind: 'rejected',
      reason: 'wrong-response',
    });
    expect(asked).toBe(0);
  });
});
