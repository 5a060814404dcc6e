// Which request a forward-auth call is about. The proxy's call to keyward is not the
// client's request: the Digest response was computed over the client's method and URI,
// which the proxy names in headers. Two conventions exist: nginx configs set
// X-Original-Method / X-Original-URI (auth_request copies the client's headers, so these
// must come from proxy_set_header), while Traefik and Caddy set X-Forwarded-Method /
// X-Forwarded-Uri themselves. X-Forwarded-Host is not needed: the host is no part of the
// Digest response (RFC 7616 §3.4.1 hashes only the method and the request target).

import type { DigestRequest } from '../digest/index.js';
import type { Outcome } from '../domain/records.js';

type DistinctHeaders = Readonly<Record<string, readonly string[] | undefined>>;

const CONVENTIONS = [
  { method: 'x-original-method', uri: 'x-original-uri' },
  { method: 'x-forwarded-method', uri: 'x-forwarded-uri' },
] as const;

const NAMES: Record<string, string> = {
  'x-original-method': 'X-Original-Method',
  'x-original-uri': 'X-Original-URI',
  'x-forwarded-method': 'X-Forwarded-Method',
  'x-forwarded-uri': 'X-Forwarded-Uri',
};

// RFC 9110 §5.6.2 token: a method is nothing else.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export const NO_ORIGINAL_REQUEST =
  'Expected the original request in X-Original-Method and X-Original-URI (nginx) or X-Forwarded-Method and X-Forwarded-Uri (Traefik, Caddy).';

function single(headers: DistinctHeaders, name: string): Outcome<string | undefined, string> {
  const values = headers[name];
  if (values === undefined || values.length === 0) return { ok: true, value: undefined };
  if (values.length > 1) return { ok: false, error: `More than one ${NAMES[name]} header.` };
  return { ok: true, value: values[0] };
}

/**
 * The original method and URI, from whichever convention the proxy used. Anything a
 * client could have slipped in beside the proxy's headers is refused rather than guessed
 * about: a duplicate header, half a pair, or the two conventions naming different requests.
 */
export function originalRequest(rawHeaders: readonly string[]): Outcome<DigestRequest, string> {
  const headers = distinct(rawHeaders);
  const found: DigestRequest[] = [];
  for (const names of CONVENTIONS) {
    const method = single(headers, names.method);
    const uri = single(headers, names.uri);
    if (!method.ok) return method;
    if (!uri.ok) return uri;
    if (method.value === undefined && uri.value === undefined) continue;
    if (method.value === undefined || uri.value === undefined) {
      return { ok: false, error: `${NAMES[names.method]} and ${NAMES[names.uri]} come together.` };
    }
    if (!TOKEN.test(method.value)) {
      return { ok: false, error: `${NAMES[names.method]} is not an HTTP method.` };
    }
    if (uri.value === '') return { ok: false, error: `${NAMES[names.uri]} is empty.` };
    found.push({ method: method.value, uri: uri.value });
  }
  const [first, second] = found;
  if (first === undefined) return { ok: false, error: NO_ORIGINAL_REQUEST };
  if (second !== undefined && (second.method !== first.method || second.uri !== first.uri)) {
    return { ok: false, error: 'X-Original-* and X-Forwarded-* name different requests.' };
  }
  return { ok: true, value: first };
}

/** The four headers' values by lower-case name (Node's rawHeaders: name, value, …). */
function distinct(rawHeaders: readonly string[]): DistinctHeaders {
  const found: Record<string, string[]> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    if (!Object.hasOwn(NAMES, name)) continue;
    found[name] = [...(found[name] ?? []), rawHeaders[i + 1] ?? ''];
  }
  return found;
}
