import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DENIED_HEADER, IDENTITY_HEADERS, identityHeaders } from '../../gateway/identity.js';
import { originalRequest } from '../../gateway/original-request.js';
import {
  denial,
  ORG_ROLE_PATTERN,
  requirementsOf,
  unknownRole,
} from '../../gateway/requirements.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { digestVerification } from '../plugins/digest-auth.js';
import { ObjectIdString, serializedAs } from '../schemas/common.js';
import { ErrorDocument } from '../schemas/error.js';
import type { Api } from './api.js';

/**
 * The forward-auth path. "auth" as in nginx's auth_request and Traefik's ForwardAuth, which
 * call it; "digest" for the scheme it checks, so another scheme would be a sibling path.
 * Outside /api/…: it is no Atlas resource, and the API's hook verifies the proxy's own
 * request, whereas this verifies the request the proxy is about to forward.
 */
export const GATEWAY_PATH = '/auth/digest';

const Repeatable = <T extends TSchema>(item: T) =>
  Type.Optional(Type.Union([item, Type.Array(item)]));

const GatewayQuery = Type.Object({
  org: Repeatable(ObjectIdString),
  orgRole: Repeatable(
    Type.String({ pattern: ORG_ROLE_PATTERN, description: '<ORG-ID>:<ROLE>, e.g. …:ORG_OWNER' }),
  ),
  globalRole: Repeatable(Type.Literal('GLOBAL_OWNER')),
  username: Repeatable(Type.String({ minLength: 1, maxLength: 256 })),
});

const text = (description: string) => Type.String({ description });
const GatewayHeaders = Type.Object({
  'x-original-method': Type.Optional(text('The client request’s method (nginx)')),
  'x-original-uri': Type.Optional(text('The client request’s raw target, $request_uri (nginx)')),
  'x-forwarded-method': Type.Optional(text('The client request’s method (Traefik, Caddy)')),
  'x-forwarded-uri': Type.Optional(text('The client request’s raw target (Traefik, Caddy)')),
});

const outHeaders = {
  [IDENTITY_HEADERS.principal]: text('user (a personal key) or apiKey (an org’s programmatic key)'),
  [IDENTITY_HEADERS.userId]: text('The user’s id; empty for a programmatic key'),
  [IDENTITY_HEADERS.username]: text(
    'The username; bytes outside visible ASCII and % escaped; empty for a programmatic key',
  ),
  [IDENTITY_HEADERS.publicKey]: text('The programmatic key’s public key; empty for a user'),
  [IDENTITY_HEADERS.keyId]: text('The id of the key (personal or programmatic) that signed'),
  [IDENTITY_HEADERS.orgs]: text('<ORG-ID>:<ROLE>, comma-separated; empty when none'),
  [IDENTITY_HEADERS.globalRoles]: text('Comma-separated; empty when none'),
  'Authentication-Info': text('rspauth, cnonce, nc and qop (RFC 7616 §3.5)'),
};
const Verified = { type: 'null', description: 'Verified and allowed', headers: outHeaders };
const Denied = {
  ...serializedAs(ErrorDocument),
  description: 'Denied (the requirements), throttled (with Retry-After) or malformed',
  headers: {
    [DENIED_HEADER]: text('Why'),
    'Retry-After': text('Seconds, when throttled'),
  },
};

// nginx turns any auth answer but 2xx, 401 and 403 into a 500: a locked-out client and a
// malformed header must be a 403 to reach the client, with the reason in a header.
const FOR_PROXY: Partial<Record<ApiError['errorCode'], ApiError['errorCode']>> = {
  RATE_LIMITED: 'GATEWAY_RATE_LIMITED',
  INVALID_AUTHORIZATION_HEADER: 'GATEWAY_INVALID_AUTHORIZATION',
  // Already a 403; mapped only so the proxy gets the reason header too.
  IP_ADDRESS_NOT_ON_ACCESS_LIST: 'IP_ADDRESS_NOT_ON_ACCESS_LIST',
};

/** `/auth/digest`: the forward-auth endpoint a reverse proxy asks about every request. */
export function gatewayRoutes(
  api: Api,
  context: ApiContext,
  trusted: (address: string) => boolean,
): void {
  const verify = digestVerification(context);
  const deny = (reply: FastifyReply, code: ApiError['errorCode'], detail: string) => {
    reply.header(DENIED_HEADER, detail);
    return new ApiError(code, detail);
  };

  const handler = async (
    request: FastifyRequest<{ Querystring: Static<typeof GatewayQuery> }>,
    reply: FastifyReply,
  ) => {
    const peer = request.socket.remoteAddress ?? '';
    // The original request is the proxy's word: from anyone else it is just a claim, and a
    // client calling keyward directly could name any request it liked.
    if (!trusted(peer)) {
      throw new ApiError(
        'GATEWAY_UNTRUSTED_PEER',
        `Forward authentication is answered only to proxies named in --trust-proxy; ${peer} is not one.`,
      );
    }
    const target = originalRequest(request.raw.rawHeaders);
    if (!target.ok) throw new ApiError('GATEWAY_NO_ORIGINAL_REQUEST', target.error);
    const requirements = requirementsOf(request.query);
    const badRole = unknownRole(requirements);
    if (badRole !== undefined) {
      throw new ApiError('INVALID_QUERY_PARAMETER', `orgRole names an unknown role ${badRole}.`);
    }
    let keyId: string | undefined;
    try {
      keyId = await verify(request, reply, target.value);
    } catch (error) {
      const code = error instanceof ApiError ? FOR_PROXY[error.errorCode] : undefined;
      throw code && error instanceof ApiError ? deny(reply, code, error.detail) : error;
    }
    if (keyId === undefined) return reply;
    const { principal } = request;
    if (principal === undefined) throw new Error('verified without a principal');
    const why = denial(principal, requirements);
    if (why !== undefined) throw deny(reply, 'GATEWAY_ACCESS_DENIED', `Denied: ${why}.`);
    return reply.code(200).headers(identityHeaders(principal, keyId)).send();
  };

  const schema = {
    summary: 'Forward authentication: verify a request a reverse proxy is about to forward',
    description:
      'Verifies the client’s Digest Authorization against the original method and URI the proxy names (believed only from --trust-proxy addresses), with the API’s replay, throttle, revocation and usage rules. Every method is accepted (nginx’s auth_request keeps the client’s); see docs/gateway.md.',
    querystring: GatewayQuery,
    headers: GatewayHeaders,
    response: { 200: Verified, 403: Denied },
  };
  api.get(GATEWAY_PATH, { schema }, handler);
  const hidden = { ...schema, hide: true };
  const others = ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
  api.route({ method: [...others], url: GATEWAY_PATH, schema: hidden, handler });
  // Envoy's ext_authz appends the client's path to its path_prefix; the original request
  // still comes from the headers, never from this suffix.
  api.route({ method: ['GET', ...others], url: `${GATEWAY_PATH}/*`, schema: hidden, handler });
}
