import type { FastifyReply, FastifyRequest } from 'fastify';
import { authorizationValues, type DigestRequest, type VerifyOutcome } from '../../digest/index.js';
import { accessOwnerOf, principalOf } from '../../domain/principal.js';
import { ThrottleUnavailable } from '../../domain/throttle.js';
import { currentTimestamp } from '../../domain/time.js';
import { type AuthReason, authReasonOf } from '../../metrics/auth-reasons.js';
import { useSource } from '../../usage/usage-counter.js';
import type { ApiContext } from '../context.js';
import { ApiError, UNAUTHORIZED_BODY } from '../errors.js';
import { accessListRefusal } from './access-gate.js';

// Sent, not thrown: the error handler would log every refused request, and the outage is
// already logged once (src/domain/revision-watch.ts).
const UNCONFIRMED = new ApiError(
  'SERVICE_UNAVAILABLE',
  'Credentials cannot be checked now: the database is not reachable.',
).toDocument();
const REPLAY_UNREACHABLE = new ApiError(
  'SERVICE_UNAVAILABLE',
  'Credentials cannot be checked now: the replay store is not reachable.',
).toDocument();
const THROTTLE_UNREACHABLE = new ApiError(
  'SERVICE_UNAVAILABLE',
  'Credentials cannot be checked now: the failure throttle is not reachable.',
).toDocument();

/** A failure counted elsewhere; 'unavailable' when that store is out of reach. */
async function remoteCount(counted: Promise<number>): Promise<number | 'unavailable'> {
  try {
    return await counted;
  } catch (error) {
    // Uncounted, a guess must not be answered at all: its 401 would be a free attempt.
    if (error instanceof ThrottleUnavailable) return 'unavailable';
    throw error;
  }
}

/**
 * The onRequest hook of every API route: verifies the Authorization header against the
 * request itself (see digestVerification).
 */
export function digestAuthentication(context: ApiContext) {
  const verify = digestVerification(context);
  return async (
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply | undefined> => {
    const target = { method: request.raw.method ?? 'GET', uri: request.raw.url ?? '' };
    return (await verify(request, reply, target)) === undefined ? reply : undefined;
  };
}

/**
 * Parses the Authorization header, verifies it for `target` (the request's own method and
 * URI on the API; the original request's for forward auth) against the user's enabled keys
 * (from memory when cached) and either sets `request.principal` and returns the key id, or
 * answers with a 401 challenge or a 503 while the cache is unconfirmed and returns
 * undefined; a malformed header (400) and a locked-out client (429) are thrown. The Digest
 * rules themselves live in src/digest; this only adapts them to HTTP.
 */
export function digestVerification(context: ApiContext) {
  const { authenticator, users, usage, throttle } = context;
  // keyward_auth_outcomes_total: once per request, on each way out below.
  const observe = (reason: AuthReason) => context.metrics?.auth(reason);
  // Sent directly rather than thrown: every client's first request ends here, and building
  // an Error (with its stack trace) for it costs a fifth of a fresh-nonce round trip.
  const challenge = (reply: FastifyReply, stale: boolean) =>
    reply
      .code(401)
      .header('WWW-Authenticate', authenticator.challenge(stale))
      .send(UNAUTHORIZED_BODY);

  const refuseFor = (reply: FastifyReply, wait: number): never => {
    observe('throttled');
    reply.header('Retry-After', String(wait));
    throw new ApiError('RATE_LIMITED', `Too many failed authentications; retry in ${wait} s.`);
  };
  const refuseIfLocked = (reply: FastifyReply, clientKey: string, userKey: string) => {
    const wait = Math.max(throttle.retryAfter(clientKey), throttle.retryAfter(userKey));
    if (wait > 0) refuseFor(reply, wait);
  };

  return async (
    request: FastifyRequest,
    reply: FastifyReply,
    target: DigestRequest,
  ): Promise<string | undefined> => {
    const parsed = authenticator.parse(authorizationValues(request.raw.rawHeaders));
    if (parsed.kind === 'missing') {
      observe('no_credentials');
      return void challenge(reply, false);
    }
    if (parsed.kind === 'malformed') {
      observe('malformed');
      throw new ApiError('INVALID_AUTHORIZATION_HEADER', parsed.detail);
    }
    // Fail closed: unconfirmed, the cache may still hold a key revoked by another process.
    if (!users.confirmed()) {
      observe('unavailable');
      return void reply.code(503).send(UNCONFIRMED);
    }
    const { username } = parsed.credentials;
    const clientKey = `ip:${request.ip}`;
    const userKey = `user:${username}`;
    // Checked before verifying, so a locked-out guesser learns nothing, right key or not;
    // and before loading, so a locked-out client costs no lookup.
    refuseIfLocked(reply, clientKey, userKey);
    const cached = users.peek(username);
    let principal = cached ? cached.credentials : await users.credentials(username);
    // Checked again after the load, and from here to the record nothing awaits: guesses
    // that arrived together cannot all pass one check. Successes are never counted, so
    // any number of concurrent right answers from one client go through.
    if (!cached) refuseIfLocked(reply, clientKey, userKey);
    let verified = authenticator.verify(parsed.credentials, target, principal?.keys);
    // The key (or the user) may be newer than this cache: made a moment ago by another
    // worker or instance, whose revision reaches this one only within a poll. A client
    // that creates a key and uses it at once must not be refused for that: load once more,
    // as for an uncached user. A guesser pays with its throttle budget for each such load.
    if (cached && mayBeNewer(verified)) {
      principal = await users.reload(username);
      refuseIfLocked(reply, clientKey, userKey);
      verified = authenticator.verify(parsed.credentials, target, principal?.keys);
    }
    // Pending only once the response has verified (the right key): a wrong guess is
    // rejected at once and counted below with nothing awaited in between.
    const outcome = verified.kind === 'pending' ? await verified.outcome : verified;
    // A rejection is counted below (it may end throttled instead), a success after the gate.
    if (outcome.kind !== 'rejected' && outcome.kind !== 'authenticated') {
      observe(authReasonOf(outcome));
    }
    switch (outcome.kind) {
      case 'authenticated': {
        const verifiedAs = principal && principalOf(principal);
        // Before anything counts the request: refused (403), it is no use of the key.
        if (principal && verifiedAs) {
          const owner = accessOwnerOf(verifiedAs);
          const refusal = accessListRefusal(
            context.accessUsage,
            owner,
            principal.accessList,
            request.ip,
          );
          if (refusal) {
            observe('access_list');
            throw refusal;
          }
        }
        observe('ok');
        request.principal = verifiedAs;
        if (verifiedAs?.kind === 'user') request.signingKeyId = outcome.keyId;
        throttle.succeed(userKey);
        usage.record(
          outcome.keyId,
          currentTimestamp(),
          useSource(request.ip, request.headers['user-agent']),
        );
        reply.header('Authentication-Info', outcome.authenticationInfo);
        return outcome.keyId;
      }
      case 'malformed':
        throw new ApiError('INVALID_AUTHORIZATION_HEADER', outcome.detail);
      case 'rejected':
        // A stale nonce with the right key is an honest client's retry, not a guess.
        if (!outcome.stale) {
          // With several workers the primary counts it and may find the key locked since
          // the check: the answer is then the 429 one process would have given.
          const counted = throttle.failed([clientKey, userKey]);
          const wait = typeof counted === 'number' ? counted : await remoteCount(counted);
          if (wait === 'unavailable') {
            observe('unavailable');
            return void reply.code(503).send(THROTTLE_UNREACHABLE);
          }
          if (wait > 0) refuseFor(reply, wait);
        }
        observe(authReasonOf(outcome));
        return void challenge(reply, outcome.stale);
      case 'unavailable':
        return void reply.code(503).send(REPLAY_UNREACHABLE);
      default:
        // Falling out of this hook would let the request through: every outcome is handled.
        return outcome satisfies never;
    }
  };
}

/** Refused for a key or user this process may not have seen yet (not for a stale nonce). */
function mayBeNewer(outcome: VerifyOutcome): boolean {
  return (
    outcome.kind === 'rejected' &&
    (outcome.reason === 'wrong-response' || outcome.reason === 'unknown-user')
  );
}
