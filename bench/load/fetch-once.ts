// One authenticated request, challenge first: captures the exact bytes keyward answers a
// scenario with (served again by the baselines) and checks the server works before loading it.

import type { Credential } from './digest.js';
import { DigestSigner, pickMd5Challenge } from './digest.js';

export interface Fetched {
  readonly status: number;
  readonly body: Buffer;
  readonly contentType: string;
}

export async function fetchWithDigest(
  origin: string,
  method: 'GET' | 'POST',
  target: string,
  credential: Credential,
  body?: string,
): Promise<Fetched> {
  const url = new URL(target, origin);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const init = (extra: Record<string, string>) => ({
    method,
    headers: { ...headers, ...extra },
    ...(body === undefined ? {} : { body }),
    signal: AbortSignal.timeout(30_000),
  });
  const first = await fetch(url, init({}));
  await first.arrayBuffer();
  const challenge = pickMd5Challenge(
    first.headers.get('www-authenticate')?.split(/,\s*(?=Digest\s)/i),
  );
  if (first.status !== 401 || !challenge) {
    throw new Error(`${method} ${target}: expected a 401 Digest challenge, got ${first.status}`);
  }
  const signer = new DigestSigner(credential, challenge.realm);
  const authorization = signer.authorization(challenge, method, target, 1, 'benchfetch0001');
  const second = await fetch(url, init({ authorization }));
  return {
    status: second.status,
    body: Buffer.from(await second.arrayBuffer()),
    contentType: second.headers.get('content-type') ?? '',
  };
}
