import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditActor, AuditOrigin, AuditSource } from '../../domain/audit.js';
import { actingAs } from '../../domain/audit-scope.js';
import type { UserRecord } from '../../domain/records.js';

// A User-Agent is the client's to choose: a row keeps enough to recognise it, no more.
const MAX_USER_AGENT = 256;

/** Where an HTTP request came from: request.ip already honours --trust-proxy. */
export function httpOrigin(request: FastifyRequest, channel: 'api' | 'console'): AuditOrigin {
  const userAgent = request.headers['user-agent']?.slice(0, MAX_USER_AGENT);
  return { channel, address: request.ip, ...(userAgent && { userAgent }) };
}

/** A console request: by the signed-in user, or by nobody known yet (sign-in, links, setup). */
export function consoleSource(request: FastifyRequest, user?: UserRecord): AuditSource {
  const origin = httpOrigin(request, 'console');
  return user
    ? { actor: { kind: 'user', userId: user.id, username: user.username }, origin }
    : { actor: { kind: 'anonymous' }, origin };
}

/** The verified principal of an API request, with the personal key that signed it. */
export function apiActor(request: FastifyRequest): AuditActor {
  const { principal, signingKeyId } = request;
  if (principal === undefined) return { kind: 'anonymous' };
  if (principal.kind === 'apiKey') {
    return { kind: 'apiKey', keyId: principal.apiKey.id, publicKey: principal.apiKey.publicKey };
  }
  const { id, username } = principal.user;
  return { kind: 'user', userId: id, username, ...(signingKeyId && { keyId: signingKeyId }) };
}

/**
 * Runs the rest of each request of `scope` (later hooks and the handler) as the source
 * `sourceOf` names, so every store write it makes is attributed (src/domain/audit-scope.ts).
 * Register it after the hook that identifies the caller.
 */
export function registerAuditSource(
  scope: FastifyInstance,
  sourceOf: (request: FastifyRequest) => AuditSource,
): void {
  // A read changes nothing, so it needs no source: the hot path (GETs) stays free of the
  // scope and, on Node 20 and 22, of the promise hooks it turns on. An audited write made
  // under a GET would be recorded as `system`, which the audit suites look for.
  scope.addHook('preHandler', (request, _reply, done) =>
    request.method === 'GET' || request.method === 'HEAD'
      ? done()
      : actingAs(sourceOf(request), done),
  );
}
