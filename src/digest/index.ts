// HTTP Digest authentication (RFC 7616), wire-compatible with MongoDB Atlas. Framework-free
// and synchronous; src/http adapts it. See DESIGN.md §2 "Digest authentication".

export {
  ALGORITHMS,
  type Algorithm,
  computeHa1,
  computeResponse,
  hashOf,
  hex,
  isSess,
  parseAlgorithm,
  sessionHa1,
} from './algorithms.js';
export {
  createDigestAuthenticator,
  type DigestAuthenticator,
  type DigestAuthenticatorOptions,
  type DigestRequest,
  type PendingOutcome,
  type RejectReason,
  type SettledOutcome,
  type VerifyOutcome,
} from './authenticator.js';
export { authenticationInfo, challengeHeaders } from './challenge.js';
export {
  createNonceCodec,
  NONCE_ISSUER_BYTES,
  type NonceCodec,
  type NonceCodecOptions,
  type NonceStatus,
} from './nonce.js';
export {
  authorizationValues,
  type DigestCredentials,
  MAX_AUTHORIZATION_LENGTH,
  type ParsedAuthorization,
  parseAuthorization,
} from './parse-authorization.js';
export {
  localRoutes,
  type RemoteReplay,
  type RemoteVerdict,
  type ReplayRoutes,
} from './replay-routes.js';
export { type ReplayVerdict, ReplayWindow, type ReplayWindowOptions } from './replay-window.js';
