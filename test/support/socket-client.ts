// Requests over a real socket from a chosen local address (Linux routes all of 127/8 to
// lo), so the address the server sees is the kernel's, not a header.
import { request as httpRequest } from 'node:http';
import { expect } from 'vitest';
import type { Account, TestApi } from './api.js';
import { digestAuthorization } from './digest-client.js';
import { UNAUTHORIZED } from './org-keys.js';

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

let nc = 0;

/** One request over a real socket from `from`, answering a fresh challenge as `as`. */
export async function send(
  api: TestApi,
  port: number,
  from: string,
  path: string,
  options: {
    as?: Pick<Account, 'username' | 'key'>;
    method?: string;
    headers?: Record<string, string>;
    body?: unknown;
    signed?: { method: string; uri: string };
  } = {},
): Promise<Answer> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { ...options.headers };
  if (options.as) {
    headers.authorization = digestAuthorization({
      username: options.as.username,
      password: options.as.key,
      method: options.signed?.method ?? method,
      uri: options.signed?.uri ?? path,
      challenge: await api.challenge(),
      nc: ++nc,
    });
  }
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (payload !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port, path, method, headers, localAddress: from },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/**
 * The gate's answers to a caller at an unlisted address `from`: with the right key, 403
 * naming the address, no Authentication-Info and no use of key `keyId`; with a wrong one,
 * the plain 401 challenge, so the list stays unknown to whoever lacks the key.
 */
export async function expectGatedAt(
  api: TestApi,
  port: number,
  from: string,
  path: string,
  as: Pick<Account, 'username' | 'key'>,
  keyId: string,
): Promise<void> {
  const keyUse = api.service.usage.unflushed(keyId)?.count ?? 0;
  const refused = await send(api, port, from, path, { as });
  expect(refused.status).toBe(403);
  expect(JSON.parse(refused.body)).toEqual({
    detail: `IP address ${from} is not allowed to access this resource.`,
    error: 403,
    errorCode: 'IP_ADDRESS_NOT_ON_ACCESS_LIST',
    parameters: [from],
    reason: 'Forbidden',
  });
  expect(refused.headers['authentication-info']).toBeUndefined();
  // A refused request is no use of the key.
  expect(api.service.usage.unflushed(keyId)?.count ?? 0).toBe(keyUse);
  const guess = await send(api, port, from, path, { as: { username: as.username, key: 'wrong' } });
  expect(guess.status).toBe(401);
  expect(JSON.parse(guess.body)).toEqual(UNAUTHORIZED);
  expect(guess.headers['www-authenticate']).toBeDefined();
}
