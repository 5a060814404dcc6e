import type { Account, TestApi } from './api.js';
import { digestAuthorization } from './digest-client.js';
import { injectAsClient } from './inject.js';

// app.inject connects from 127.0.0.1: here that is the proxy asking /auth/digest about the
// request it is about to forward.
let nc = 0;
export const nextNc = () => ++nc;

export interface Ask {
  readonly as?: Pick<Account, 'username' | 'key'>;
  readonly method?: string;
  readonly uri?: string;
  /** The URI the client signed, when it differs from the one the proxy names. */
  readonly signed?: { readonly method?: string; readonly uri?: string };
  readonly query?: string;
  /** Which headers name the original request: nginx's X-Original-* (default) or X-Forwarded-*. */
  readonly convention?: 'original' | 'forwarded';
  readonly headers?: Record<string, string>;
  readonly authorization?: string;
  readonly remoteAddress?: string;
}

export const ORIGINAL = { method: 'x-original-method', uri: 'x-original-uri' } as const;
export const FORWARDED = { method: 'x-forwarded-method', uri: 'x-forwarded-uri' } as const;

export async function ask(api: TestApi, options: Ask = {}) {
  const method = options.method ?? 'GET';
  const uri = options.uri ?? '/orders/7?x=1';
  const names = options.convention === 'forwarded' ? FORWARDED : ORIGINAL;
  const headers: Record<string, string> = {
    [names.method]: method,
    [names.uri]: uri,
    ...options.headers,
  };
  if (options.authorization) headers.authorization = options.authorization;
  else if (options.as) {
    headers.authorization = digestAuthorization({
      username: options.as.username,
      password: options.as.key,
      method: options.signed?.method ?? method,
      uri: options.signed?.uri ?? uri,
      challenge: await api.challenge(),
      nc: ++nc,
    });
  }
  return injectAsClient(api.app, {
    method: 'GET',
    url: `/auth/digest${options.query ?? ''}`,
    headers,
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
  });
}
