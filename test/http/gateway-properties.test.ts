import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestApi } from '../support/api.js';
import { ask, FORWARDED, ORIGINAL } from '../support/gateway.js';

// The forward-auth endpoint's one promise: a 2xx only for a request whose Authorization
// verifies for the original method and URI, whichever header convention names them.
describe('/auth/digest properties', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start({ trustProxy: ['127.0.0.1'] });
  });
  afterAll(() => api.close());

  const method = fc.constantFrom('GET', 'POST', 'DELETE', 'get');
  const uri = fc.constantFrom('/a', '/a/', '/a?b=1', '/a%2Fb', '/a/b', '//a', '/A');

  it('never answers 2xx unless the response verifies for the original request', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          original: fc.record({ method, uri }),
          signed: fc.record({ method, uri }),
          forwarded: fc.boolean(),
          rightKey: fc.boolean(),
          forged: fc.option(fc.record({ method, uri }), { nil: undefined }),
        }),
        async ({ original, signed, forwarded, rightKey, forged }) => {
          // What a client may have slipped in beside the proxy's headers.
          const others = forwarded ? ORIGINAL : FORWARDED;
          const response = await ask(api, {
            as: rightKey ? api.alice : { username: api.alice.username, key: 'wrong' },
            method: original.method,
            uri: original.uri,
            signed,
            convention: forwarded ? 'forwarded' : 'original',
            headers: forged ? { [others.method]: forged.method, [others.uri]: forged.uri } : {},
          });
          const verifies =
            rightKey &&
            signed.method === original.method &&
            signed.uri === original.uri &&
            (forged === undefined ||
              (forged.method === original.method && forged.uri === original.uri));
          expect(response.statusCode >= 200 && response.statusCode < 300).toBe(verifies);
        },
      ),
      { numRuns: 200 },
    );
  });
});
