import type { Outcome } from '../domain/records.js';

/** `--public-url`, parsed once: every decision on it reads these, never the text. */
export interface PublicUrl {
  /**
   * Scheme, host, port and path as `new URL()` normalizes them (lower-case scheme and host,
   * no default port), without a trailing slash: links are this plus a path.
   */
  readonly base: string;
  /** Clients reach keyward over https: cookies are Secure and `__Host-` prefixed. */
  readonly https: boolean;
}

export type PublicUrlProblem = 'not-a-url' | 'not-http' | 'has-credentials' | 'has-query';

export const PUBLIC_URL_PROBLEMS: Record<PublicUrlProblem, string> = {
  'not-a-url': 'expected an absolute http(s) URL',
  'not-http': 'expected an http or https URL',
  'has-credentials': 'expected a URL without a user name or password',
  'has-query': 'expected a URL without ? query or # fragment (links append paths to it)',
};

export function parsePublicUrl(text: string): Outcome<PublicUrl, PublicUrlProblem> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, error: 'not-a-url' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { ok: false, error: 'not-http' };
  if (url.username !== '' || url.password !== '') return { ok: false, error: 'has-credentials' };
  // An empty `?` or `#` leaves search and hash empty, yet would still end up inside links.
  if (url.search !== '' || url.hash !== '' || /[?#]/.test(text)) {
    return { ok: false, error: 'has-query' };
  }
  const path = url.pathname.replace(/\/+$/, '');
  return { ok: true, value: { base: `${url.origin}${path}`, https: url.protocol === 'https:' } };
}
