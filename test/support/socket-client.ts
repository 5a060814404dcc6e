// Requests over a real socket from a chosen local address (Linux routes all of 127/8 to
// lo), so the address the server sees is the kernel's, not a header.
import { request as httpRequest } from 'node:http';
import type { Account, TestApi } from './api.js';
import { digestAuthorization } from './digest-client.js';

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
