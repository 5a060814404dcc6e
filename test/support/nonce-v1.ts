// A version-1 nonce (version | issued at | random | HMAC-SHA-256 truncated to 16), as servers
// issued before nonces named their issuer. Written from the format, not from src/digest, so
// the tests can hold a nonce from an older run in hand.

import { createHmac, randomFillSync } from 'node:crypto';

export function versionOneNonce(secret: Buffer, issuedAt: number): string {
  const bytes = Buffer.alloc(31);
  bytes[0] = 1;
  bytes.writeUIntBE(issuedAt, 1, 6);
  randomFillSync(bytes, 7, 8);
  createHmac('sha256', secret).update(bytes.subarray(0, 15)).digest().copy(bytes, 15, 0, 16);
  return bytes.toString('base64url');
}
