import type { FastifyError, FastifyInstance } from 'fastify';
import type { DigestAuthenticator } from '../../digest/index.js';
import { isStoreUnavailable } from '../../store/unavailable.js';
import { ApiError } from '../errors.js';
import { requestPath } from '../links.js';

// Fastify's own failures, by code, as the Atlas errors clients expect.
const FASTIFY_ERRORS: Record<string, (error: FastifyError) => ApiError> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Request bodies must be sent as application/json.'),
  FST_ERR_CTP_BODY_TOO_LARGE: () =>
    new ApiError('PAYLOAD_TOO_LARGE', 'The request body is larger than the server accepts.'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    new ApiError('INVALID_JSON', 'The request body is empty; expected a JSON object.'),
  FST_ERR_CTP_INVALID_JSON_BODY: () =>
    new ApiError('INVALID_JSON', 'The request body is not valid JSON.'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    new ApiError('INVALID_JSON', 'The request body does not match its Content-Length.'),
  FST_ERR_BAD_URL: (error) => new ApiError('BAD_REQUEST', error.message),
  FST_ERR_ASYNC_CONSTRAINT: (error) => new ApiError('BAD_REQUEST', error.message),
};

function toApiError(error: FastifyError): ApiError {
  if (error instanceof ApiError) return error;
  const known = error.code ? FASTIFY_ERRORS[error.code] : undefined;
  if (known) return known(error);
  // The JSON parser throws SyntaxError for malformed bodies and forbidden keys (__proto__).
  if (error instanceof SyntaxError) {
    return new ApiError('INVALID_JSON', 'The request body is not valid JSON.');
  }
  if (isStoreUnavailable(error)) {
    return new ApiError('SERVICE_UNAVAILABLE', 'The database is not reachable now; retry later.');
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500)
    return new ApiError('BAD_REQUEST', 'The request is malformed.');
  return new ApiError('UNEXPECTED_ERROR', 'An unexpected error occurred.');
}

/** One renderer for every failure: Atlas-style JSON, the challenge on every 401. */
export function registerErrorHandling(app: FastifyInstance, authenticator: DigestAuthenticator) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    if (apiError.statusCode === 503) reply.header('Retry-After', '1');
    if (apiError.statusCode === 401 && !reply.hasHeader('www-authenticate')) {
      reply.header('WWW-Authenticate', authenticator.challenge(false));
    }
    return reply.code(apiError.statusCode).send(apiError.toDocument());
  });

  app.setNotFoundHandler((request, reply) => {
    const error = new ApiError(
      'RESOURCE_NOT_FOUND',
      `Cannot find resource ${requestPath(request)}.`,
    );
    return reply.code(404).send(error.toDocument());
  });
}
