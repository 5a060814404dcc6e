import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATLAS, type RequestOptions, TestApi } from '../support/api.js';

// Every JSON answer carries its type, whatever pretty/envelope ask for, errors and
// challenges included: a custom serializer once made Fastify drop it (issue 9, item 8).
const JSON_TYPE = 'application/json; charset=utf-8';
const RENDERINGS = ['', 'pretty=true', 'envelope=true', 'pretty=true&envelope=true'];

const withQuery = (url: string, query: string) =>
  query ? `${url}${url.includes('?') ? '&' : '?'}${query}` : url;

describe('Content-Type in every rendering', () => {
  let api: TestApi;
  let locked: TestApi;
  beforeAll(async () => {
    api = await TestApi.start({ bodyLimitBytes: 4096 });
    // Its one address is locked out for the whole file, so every request there is a 429.
    locked = await TestApi.start({ authFailureLimit: 1, authLockoutSeconds: 600 });
    const wrong = { username: locked.alice.username, key: locked.bob.key };
    const url = `${ATLAS}/users/${locked.alice.user.id}`;
    for (let i = 0; i < 5; i++) await locked.request({ url, as: wrong });
  });
  afterAll(async () => {
    await api.close();
    await locked.close();
  });

  const self = () => `${ATLAS}/users/${api.alice.user.id}`;
  type Case = [what: string, status: number, request: () => RequestOptions];
  const cases: Case[] = [
    ['/health', 200, () => ({ url: '/health' })],
    ['a single entity', 200, () => ({ url: self(), as: api.alice })],
    ['a list', 200, () => ({ url: `${self()}/keys`, as: api.alice })],
    [
      'a created key',
      201,
      () => ({ method: 'POST', url: `${self()}/keys`, as: api.alice, body: { description: 'x' } }),
    ],
    ['a bad path parameter', 400, () => ({ url: `${ATLAS}/users/nope`, as: api.alice })],
    [
      'a malformed Authorization',
      400,
      () => ({ url: self(), headers: { authorization: 'Digest ,,' } }),
    ],
    ['the challenge', 401, () => ({ url: self() })],
    [
      "another user's resource",
      401,
      () => ({ url: `${ATLAS}/users/${api.bob.user.id}`, as: api.alice }),
    ],
    [
      'an unknown key',
      404,
      () => ({ method: 'DELETE', url: `${self()}/keys/${'d'.repeat(24)}`, as: api.alice }),
    ],
    ['an unknown route', 404, () => ({ url: `${ATLAS}/nothing/here` })],
    ['a method not allowed', 405, () => ({ method: 'PUT', url: `${self()}/keys`, as: api.alice })],
    [
      'a body too large',
      413,
      () => ({
        method: 'POST',
        url: `${self()}/keys`,
        as: api.alice,
        body: { description: 'x'.repeat(5000) },
      }),
    ],
    [
      'a body not JSON',
      415,
      () => ({
        method: 'POST',
        url: `${self()}/keys`,
        as: api.alice,
        body: 'description=x',
        headers: { 'content-type': 'text/plain' },
      }),
    ],
  ];
  const matrix = RENDERINGS.flatMap((query) =>
    cases.map(([what, status, request]) => ({ what, status, request, query })),
  );

  const expectJson = (res: LightMyRequestResponse, status: number, query: string) => {
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toBe(JSON_TYPE);
    const body = JSON.parse(res.body);
    const pretty = query.includes('pretty=true');
    expect(res.body).toBe(JSON.stringify(body, null, pretty ? 2 : undefined));
    if (pretty) expect(res.body).toContain('\n  "');
    if (query.includes('envelope=true')) expect(body.status).toBe(status);
  };

  it.each(matrix)(
    '$status for $what, rendered with "$query"',
    async ({ status, request, query }) => {
      const options = request();
      const res = await api.request({ ...options, url: withQuery(options.url, query) });
      expectJson(res, status, query);
    },
  );

  it.each(RENDERINGS)('429 when throttled, rendered with "%s"', async (query) => {
    const url = withQuery(`${ATLAS}/users/${locked.alice.user.id}`, query);
    expectJson(await locked.request({ url, as: locked.alice }), 429, query);
  });

  it.each(RENDERINGS)('204 has no body and so no type, with "%s"', async (query) => {
    const created = await api.request({
      method: 'POST',
      url: `${self()}/keys`,
      as: api.alice,
      body: { description: 'gone' },
    });
    const url = withQuery(`${self()}/keys/${created.json().id}`, query);
    const res = await api.request({ method: 'DELETE', url, as: api.alice });
    expect(res.statusCode).toBe(204);
    expect(res.headers['content-type']).toBeUndefined();
    expect(res.body).toBe('');
  });

  it.each(RENDERINGS)(
    'leaves the console HTML and /openapi.json their own types, with "%s"',
    async (query) => {
      const page = await api.app.inject({ url: withQuery('/console/sign-in', query) });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toMatch(/^<!doctype html>/i);
      const openapi = await api.app.inject({ url: withQuery('/openapi.json', query) });
      expect(openapi.headers['content-type']).toBe(JSON_TYPE);
      expect(JSON.parse(openapi.body)).toBeTruthy();
    },
  );
});
