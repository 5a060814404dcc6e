import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATLAS, TestApi } from '../support/api.js';

// Query and body validation, through the real app: any input gets a JSON answer, never a
// 5xx, and a 400 always names the part of the request that was wrong.
describe('validation properties', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start();
  });
  afterAll(() => api.close());

  const queryValue = fc.oneof(
    fc.string(),
    fc.integer().map(String),
    fc.constantFrom('true', 'false', '', '1.5', '501'),
  );

  it('any list query: 200 or 400 INVALID_QUERY_PARAMETER', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom('pageNum', 'itemsPerPage', 'includeCount', 'pretty', 'envelope', 'x'),
          queryValue,
        ),
        async (params) => {
          const query = new URLSearchParams(params).toString();
          // (Fastify's inject drops a bare trailing `?` from the URL, unlike a real socket.)
          const url = `${ATLAS}/users/${api.alice.user.id}/keys${query ? `?${query}` : ''}`;
          const res = await api.request({ url, as: api.alice });
          const body = res.json();
          if (res.statusCode === 200) return;
          expect(res.statusCode).toBe(400);
          expect(body.errorCode ?? body.content?.errorCode).toBe('INVALID_QUERY_PARAMETER');
        },
      ),
      { numRuns: 150 },
    );
  });

  it('any JSON body for create: 201, or a 400 naming an attribute problem', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.json(), fc.record({ description: fc.string({ maxLength: 300 }) })),
        async (body) => {
          const payload = typeof body === 'string' ? body : JSON.stringify(body);
          const res = await api.request({
            method: 'POST',
            url: `${ATLAS}/users/${api.bob.user.id}/keys`,
            as: api.bob,
            body: payload,
          });
          expect([201, 400, 409]).toContain(res.statusCode);
          if (res.statusCode === 400) {
            expect(['MISSING_ATTRIBUTE', 'INVALID_ATTRIBUTE', 'INVALID_JSON']).toContain(
              res.json().errorCode,
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('any bytes as a body: never a 5xx, always JSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom('application/json', 'text/plain', 'application/octet-stream'),
        async (bytes, type) => {
          const res = await api.app.inject({
            method: 'PATCH',
            url: `${ATLAS}/users/${api.root.user.id}/keys/${api.root.keyId}`,
            headers: { 'content-type': type },
            payload: Buffer.from(bytes),
          });
          expect(res.statusCode).toBeLessThan(500);
          expect(() => res.json()).not.toThrow();
        },
      ),
      { numRuns: 150 },
    );
  });
});
