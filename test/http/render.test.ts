import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATLAS, TestApi } from '../support/api.js';

describe('pretty and envelope', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start();
  });
  afterAll(() => api.close());

  const user = () => `${ATLAS}/users/${api.alice.user.id}`;

  it('is compact by default and indents two spaces with pretty=true', async () => {
    const compact = await api.request({ url: user(), as: api.alice });
    expect(compact.body).not.toContain('\n');
    const pretty = await api.request({ url: `${user()}?pretty=true`, as: api.alice });
    expect(pretty.body).toBe(JSON.stringify(compact.json(), null, 2));
  });

  it('wraps a single entity in {status, content} and keeps the real status', async () => {
    const res = await api.request({
      method: 'POST',
      url: `${user()}/keys?envelope=true`,
      as: api.alice,
      body: { description: 'enveloped' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(Object.keys(body)).toEqual(['status', 'content']);
    expect(body.status).toBe(201);
    expect(body.content.description).toBe('enveloped');
  });

  it('adds status beside a list', async () => {
    const body = (await api.request({ url: `${user()}/keys?envelope=true`, as: api.alice })).json();
    expect(body.status).toBe(200);
    expect(Array.isArray(body.results)).toBe(true);
    expect(body.totalCount).toBeGreaterThan(0);
    expect(body).not.toHaveProperty('content');
  });

  it('wraps errors, 401s included, and combines with pretty', async () => {
    const notFound = await api.request({
      url: `${user()}/keys/${'d'.repeat(24)}?envelope=true`,
      method: 'DELETE',
      as: api.alice,
    });
    expect(notFound.statusCode).toBe(404);
    expect(notFound.json()).toMatchObject({
      status: 404,
      content: { errorCode: 'API_KEY_NOT_FOUND' },
    });

    const unauthorized = await api.app.inject({ url: `${user()}?envelope=true&pretty=true` });
    expect(unauthorized.statusCode).toBe(401);
    expect(unauthorized.body).toBe(
      JSON.stringify(
        {
          status: 401,
          content: {
            error: 401,
            reason: 'Unauthorized',
            detail: 'You are not authorized for this resource.',
          },
        },
        null,
        2,
      ),
    );
  });

  it('leaves envelope=false and pretty=false as the defaults', async () => {
    const res = await api.request({ url: `${user()}?envelope=false&pretty=false`, as: api.alice });
    expect(res.json().id).toBe(api.alice.user.id);
    expect(res.body).not.toContain('\n');
  });
});
