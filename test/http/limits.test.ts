import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATLAS, TestApi } from '../support/api.js';

describe('brute-force throttling', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start({ authFailureLimit: 3, authLockoutSeconds: 1 });
  });
  afterAll(() => api.close());

  it('answers 429 with Retry-After once a username has failed too often, right key or not', async () => {
    const { alice } = api;
    const url = `${ATLAS}/users/${alice.user.id}`;
    const wrong = { username: alice.username, key: api.bob.key };
    for (let i = 0; i < 3; i++)
      expect((await api.request({ url, as: wrong })).statusCode).toBe(401);
    const locked = await api.request({ url, as: alice });
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBe('1');
    expect(locked.json()).toMatchObject({
      error: 429,
      errorCode: 'RATE_LIMITED',
      reason: 'Too Many Requests',
    });
    // The address is locked out too, whichever username it tries.
    expect(
      (await api.request({ url: `${ATLAS}/users/${api.bob.user.id}`, as: api.bob })).statusCode,
    ).toBe(429);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await api.request({ url, as: alice })).statusCode).toBe(200);
    // The success cleared alice's count: one more failure does not lock her out again.
    expect((await api.request({ url, as: wrong })).statusCode).toBe(401);
  });

  it('does not count a first request without credentials as a failure', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await api.app.inject({ url: `${ATLAS}/users/${api.root.user.id}` })).statusCode).toBe(
        401,
      );
    }
  });
});

describe('connection limits on a listening server', () => {
  let api: TestApi;
  let port: number;
  beforeAll(async () => {
    api = await TestApi.start({ requestTimeoutSeconds: 1, maxHeaderBytes: 4096 });
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    const address = api.app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(() => api.close());

  const raw = (text: string, keepOpen = false) =>
    new Promise<{ response: string; ms: number }>((resolve, reject) => {
      const started = Date.now();
      let response = '';
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(text);
        if (!keepOpen) socket.end();
      });
      socket.setEncoding('utf8');
      socket.on('data', (chunk) => {
        response += chunk;
      });
      socket.on('close', () => resolve({ response, ms: Date.now() - started }));
      socket.on('error', reject);
      setTimeout(() => socket.destroy(new Error('still open after 10 s')), 10_000);
    });

  it('answers 431 to a request head over --max-header-size', async () => {
    const { response } = await raw(
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(8000)}\r\n\r\n`,
    );
    expect(response).toMatch(/^HTTP\/1\.1 431/);
    const body = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));
    expect(body).toMatchObject({ error: 431, errorCode: 'HEADERS_TOO_LARGE' });
  });

  it('answers a request Node cannot parse with an Atlas-style 400', async () => {
    const { response } = await raw(
      'GET /health HTTP/1.1\r\nHost: x\r\nX-Bad: \u0001\u0002\r\n\r\n',
    );
    expect(response).toMatch(/^HTTP\/1\.1 400/);
    const body = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));
    expect(body).toMatchObject({ error: 400, errorCode: 'BAD_REQUEST', reason: 'Bad Request' });
  });

  it('closes a connection whose request does not arrive within --request-timeout (slowloris)', async () => {
    const { ms } = await raw('GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ', true);
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(5000);
  });
});
