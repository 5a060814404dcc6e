import { afterEach, describe, expect, it } from 'vitest';
import { ATLAS, TestApi } from '../support/api.js';
import { digestAuthorization } from '../support/digest-client.js';
import { statuses } from '../support/statuses.js';

// Requests that arrive together and find the user cache empty all wait for the load: the
// throttle must still see them one at a time.
describe('Digest throttle under concurrent requests', () => {
  let api: TestApi;
  afterEach(() => api.close());

  /** One request per username, each answering its own challenge, all sent at once. */
  const together = async (accounts: readonly { username: string; key: string }[]) => {
    const url = `${ATLAS}/users/${api.alice.user.id}`;
    const authorizations = await Promise.all(
      accounts.map(async ({ username, key }) =>
        digestAuthorization({
          username,
          password: key,
          method: 'GET',
          uri: url,
          challenge: await api.challenge(),
          nc: 1,
        }),
      ),
    );
    return Promise.all(
      authorizations.map((authorization) =>
        api.app.inject({ method: 'GET', url, headers: { authorization } }),
      ),
    );
  };

  it('evaluates at most the limit of guesses sent at once, each a cache miss, but never limits right answers', async () => {
    api = await TestApi.start({ authFailureLimit: 3, authLockoutSeconds: 60 });
    const rightOnes = await together(Array.from({ length: 50 }, () => api.alice));
    expect(statuses(rightOnes)).toEqual({ 200: 50 });
    const guesses = Array.from({ length: 20 }, (_, i) => ({ username: `nobody-${i}`, key: 'x' }));
    expect(statuses(await together(guesses))).toEqual({ 401: 3, 429: 17 });
  });
});
