import type { FastifyReply, FastifyRequest } from 'fastify';
import { authorizationValues } from '../../digest/index.js';
import type { ApiContext } from '../context.js';
import { ApiError, unauthorized } from '../errors.js';

/**
 * The onRequest hook of every API route: parses the Authorization header, verifies it
 * against the user's enabled keys (from memory when cached) and either sets
 * `request.principal` or ends the request with a 400 or a 401 challenge. The Digest rules
 * themselves live in src/digest; this only adapts them to HTTP.
 */
export function digestAuthentication(context: ApiContext) {
  const { authenticator, users, usage } = context;
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const parsed = authenticator.parse(authorizationValues(request.raw.rawHeaders));
    if (parsed.kind === 'missing') throw unauthorized();
    if (parsed.kind === 'malformed') {
      throw new ApiError('INVALID_AUTHORIZATION_HEADER', parsed.detail);
    }
    const { username } = parsed.credentials;
    const cached = users.peek(username);
    const principal = cached ? cached.credentials : await users.credentials(username);
    const outcome = authenticator.verify(
      parsed.credentials,
      { method: request.raw.method ?? 'GET', uri: request.raw.url ?? '' },
      principal?.keys,
    );
    switch (outcome.kind) {
      case 'authenticated':
        request.principal = principal?.user;
        usage.record(outcome.keyId);
        reply.header('Authentication-Info', outcome.authenticationInfo);
        return;
      case 'malformed':
        throw new ApiError('INVALID_AUTHORIZATION_HEADER', outcome.detail);
      case 'rejected':
        reply.header('WWW-Authenticate', authenticator.challenge(outcome.stale));
        throw unauthorized();
    }
  };
}
