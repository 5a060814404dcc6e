import type { HTTPMethods } from 'fastify';
import { ApiError } from './errors.js';
import type { Api } from './routes/api.js';

const METHODS: readonly HTTPMethods[] = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
];

/**
 * Answers 405 with an `Allow` header for the methods a path does not support, instead of
 * Fastify's 404. Registered beside the real routes, so it runs after authentication too.
 */
export function methodNotAllowed(api: Api, url: string, allowed: readonly HTTPMethods[]): void {
  const allow = allowed.includes('GET') ? [...allowed, 'HEAD'] : allowed;
  const others = METHODS.filter((method) => !allow.includes(method));
  api.route({
    method: others,
    url,
    handler: async (request, reply) => {
      reply.header('Allow', allow.join(', '));
      throw new ApiError(
        'METHOD_NOT_ALLOWED',
        `${request.method} is not allowed on this resource.`,
      );
    },
  });
}
