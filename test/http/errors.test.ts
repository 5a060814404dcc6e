import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATLAS, TestApi } from '../support/api.js';

// Every row of the error table in DESIGN.md §2 (401s live in auth.test.ts).
describe('Atlas-style errors', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start({ bodyLimitBytes: 4096 });
  });
  afterAll(() => api.close());

  const keys = () => `${ATLAS}/users/${api.alice.user.id}/keys`;
  const expectError = (
    res: { statusCode: number; json: () => unknown },
    status: number,
    errorCode: string,
  ) => {
    expect(res.statusCode).toBe(status);
    const body = res.json() as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['detail', 'error', 'errorCode', 'parameters', 'reason']);
    expect(body).toMatchObject({ error: status, errorCode });
    expect(typeof body.detail).toBe('string');
    expect(Array.isArray(body.parameters)).toBe(true);
  };

  it.each([
    [`${ATLAS}/users/not-an-id/keys`],
    [`${ATLAS}/users/${'A'.repeat(24)}/keys`],
    [`${ATLAS}/users/${'a'.repeat(23)}`],
    [`${ATLAS}/orgs/xyz/users`],
  ])('INVALID_PATH_PARAMETER for %s', async (url) => {
    expectError(await api.request({ url, as: api.alice }), 400, 'INVALID_PATH_PARAMETER');
  });

  it('INVALID_PATH_PARAMETER for a malformed KEY-ID', async () => {
    const res = await api.request({ method: 'DELETE', url: `${keys()}/123`, as: api.alice });
    expectError(res, 400, 'INVALID_PATH_PARAMETER');
  });

  it.each([
    [{}, 'MISSING_ATTRIBUTE', 'description'],
    [{ description: 5 }, 'INVALID_ATTRIBUTE', 'description'],
    [{ description: null }, 'INVALID_ATTRIBUTE', 'description'],
    [{ description: 'ok', extra: true }, 'INVALID_ATTRIBUTE', 'extra'],
    [[], 'INVALID_ATTRIBUTE', undefined],
    ['"just a string"', 'INVALID_ATTRIBUTE', undefined],
  ])('create with body %j is %s', async (body, code, parameter) => {
    const res = await api.request({ method: 'POST', url: keys(), as: api.alice, body });
    expectError(res, 400, code);
    if (parameter) expect(res.json().parameters).toEqual([parameter]);
  });

  it.each([
    [{}, 'MISSING_ATTRIBUTE'],
    [{ enabled: 'false' }, 'INVALID_ATTRIBUTE'],
    [{ enabled: true, description: 'no' }, 'INVALID_ATTRIBUTE'],
  ])('update with body %j is %s', async (body, code) => {
    const res = await api.request({
      method: 'PATCH',
      url: `${keys()}/${api.alice.keyId}`,
      as: api.alice,
      body,
    });
    expectError(res, 400, code);
  });

  it('MISSING_ATTRIBUTE for a POST without a body', async () => {
    expectError(
      await api.request({ method: 'POST', url: keys(), as: api.alice }),
      400,
      'MISSING_ATTRIBUTE',
    );
  });

  it.each([['{"description": "x"'], ['not json'], ['{"__proto__": {"x": 1}, "description": "x"}']])(
    'INVALID_JSON for %s',
    async (body) => {
      expectError(
        await api.request({ method: 'POST', url: keys(), as: api.alice, body }),
        400,
        'INVALID_JSON',
      );
    },
  );

  it.each([['text/plain'], ['application/x-www-form-urlencoded']])(
    'UNSUPPORTED_MEDIA_TYPE for %s',
    async (type) => {
      const res = await api.request({
        method: 'POST',
        url: keys(),
        as: api.alice,
        body: 'description=x',
        headers: { 'content-type': type },
      });
      expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    },
  );

  it('PAYLOAD_TOO_LARGE past the body limit, and nothing is created', async () => {
    const before = (await api.request({ url: keys(), as: api.alice })).json().totalCount;
    const res = await api.request({
      method: 'POST',
      url: keys(),
      as: api.alice,
      body: { description: 'x'.repeat(5000) },
    });
    expectError(res, 413, 'PAYLOAD_TOO_LARGE');
    expect((await api.request({ url: keys(), as: api.alice })).json().totalCount).toBe(before);
  });

  it('RESOURCE_NOT_FOUND for an unknown route, naming the path', async () => {
    const res = await api.app.inject({ url: `${ATLAS}/nothing/here?pretty=false` });
    expectError(res, 404, 'RESOURCE_NOT_FOUND');
    expect(res.json().detail).toBe(`Cannot find resource ${ATLAS}/nothing/here.`);
    expect(res.json().reason).toBe('Not Found');
  });

  it.each([
    ['PUT', () => keys()],
    ['DELETE', () => keys()],
    ['GET', () => `${keys()}/${api.alice.keyId}`],
    ['POST', () => `${ATLAS}/users/${api.alice.user.id}`],
  ] as const)('METHOD_NOT_ALLOWED for %s, with Allow', async (method, url) => {
    const res = await api.request({ method, url: url(), as: api.alice });
    expectError(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.allow).toBeTruthy();
  });

  it('API_KEY_NOT_FOUND for an unknown key id', async () => {
    const res = await api.request({
      method: 'PATCH',
      url: `${keys()}/${'c'.repeat(24)}`,
      as: api.alice,
      body: { enabled: false },
    });
    expectError(res, 404, 'API_KEY_NOT_FOUND');
    expect(res.json().reason).toBe('Not Found');
  });
});
