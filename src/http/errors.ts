import { STATUS_CODES } from 'node:http';
import type { ErrorDocument } from './schemas/error.js';

// The closed list of error codes keyward answers with, and the status of each.
// Adding a failure mode means adding a row here, so the wire contract stays reviewable.
const ERROR_STATUS = {
  BAD_REQUEST: 400,
  INVALID_AUTHORIZATION_HEADER: 400,
  INVALID_PATH_PARAMETER: 400,
  MISSING_ATTRIBUTE: 400,
  INVALID_ATTRIBUTE: 400,
  INVALID_JSON: 400,
  INVALID_QUERY_PARAMETER: 400,
  // Programmatic API keys (src/http/routes/org-api-keys.ts).
  INVALID_API_KEY_DESC: 400,
  MISSING_API_KEY_ROLES: 400,
  INVALID_ENUM_VALUE: 400,
  // API access lists (src/http/routes/access-list.ts), with Atlas' codes.
  BAD_WHITELIST_ADD_REQUEST: 400,
  INVALID_IP_ADDRESS_OR_CIDR_NOTATION: 400,
  DUPLICATE_ADDRESSES_IN_INPUT: 400,
  CANNOT_REMOVE_CALLER_FROM_WHITELIST: 400,
  IP_ADDRESS_NOT_ON_ACCESS_LIST: 403,
  ACCESS_LIST_ENTRY_NOT_FOUND: 404,
  API_KEY_ACCESS_LIST_ENTRY_NOT_FOUND: 404,
  // Forward auth (src/http/routes/gateway.ts): a proxy's misconfiguration is a 400, which
  // nginx turns into a 500 and logs; what a client did is a 403, which reaches the client.
  GATEWAY_UNTRUSTED_PEER: 400,
  GATEWAY_NO_ORIGINAL_REQUEST: 400,
  GATEWAY_ACCESS_DENIED: 403,
  GATEWAY_RATE_LIMITED: 403,
  GATEWAY_INVALID_AUTHORIZATION: 403,
  UNAUTHORIZED: 401,
  API_KEY_NOT_FOUND: 404,
  RESOURCE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  TOO_MANY_API_KEYS: 409,
  TOO_MANY_ACCESS_LIST_ENTRIES: 409,
  // Orgs and users (src/http/routes/orgs.ts, users.ts): Atlas names its conflicts so.
  USER_ALREADY_EXISTS: 409,
  DUPLICATE_ORG_NAME: 409,
  CANNOT_DELETE_ORG_ACTIVE_MEMBERS: 409,
  CANNOT_DELETE_ORG_ACTIVE_API_KEYS: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  UNEXPECTED_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

/** Atlas sends 401s with this exact body: no errorCode, no parameters, this key order. */
export const UNAUTHORIZED_BODY = {
  error: 401,
  reason: 'Unauthorized',
  detail: 'You are not authorized for this resource.',
} as const;

export class ApiError extends Error {
  readonly statusCode: number;

  constructor(
    readonly errorCode: ErrorCode,
    readonly detail: string,
    readonly parameters: readonly string[] = [],
  ) {
    super(detail);
    this.name = 'ApiError';
    this.statusCode = ERROR_STATUS[errorCode];
  }

  toDocument(): ErrorDocument | typeof UNAUTHORIZED_BODY {
    if (this.errorCode === 'UNAUTHORIZED') return UNAUTHORIZED_BODY;
    return {
      detail: this.detail,
      error: this.statusCode,
      errorCode: this.errorCode,
      parameters: [...this.parameters],
      reason: STATUS_CODES[this.statusCode] ?? 'Error',
    };
  }
}

export const unauthorized = (): ApiError => new ApiError('UNAUTHORIZED', UNAUTHORIZED_BODY.detail);
