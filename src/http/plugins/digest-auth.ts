import type { FastifyReply, FastifyRequest } from 'fastify';
import { authorizationValues } from '../../digest/index.js';
import type { ApiContext } from '../context.js';
import { ApiError, UNAUTHORIZED_BODY } from '../errors.js';

/**
 * The onRequest hook of every API route: parses the Authorization header, verifies it
 * against the user's enabled keys (from memory when cached) and either sets
 * `request.principal` or ends the request with a 400 or a 401 challenge. The Digest rules
 * themselves live in src/digest; this only adapts them to HTTP.
 */
export function digestAuthentication(context: ApiContext) {
  const { authenticator, users, usage } = context;
  // Sent directly rather than thrown: every client's first request ends here, and building
  // an Error (with its stack trace) for it costs a fifth of a fresh-nonce round trip.
  const challenge = (reply: FastifyReply, stale: boolean) =>
    reply
      .code(401)
      .header('WWW-Authenticate', authenticator.challenge(stale))
      .send(UNAUTHORIZED_BODY);

  return async (
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply | undefined> => {
    const parsed = authenticator.parse(authorizationValues(request.raw.rawHeaders));
    if (parsed.kind === 'missing') return challenge(reply, false);
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
        return undefined;
      case 'malformed':
        throw new ApiError('INVALID_AUTHORIZATION_HEADER', outcome.detail);
      case 'rejected':
        return challenge(reply, outcome.stale);
    }
  };
}
