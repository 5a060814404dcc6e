import fastifySwagger, { type FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { VERSION } from '../version.js';
import { GATEWAY_PATH } from './routes/gateway.js';
import { documented } from './schemas/common.js';
import { ErrorDocument, UnauthorizedDocument } from './schemas/error.js';

const DOCUMENTED_PREFIX = '/api/atlas/v1.0';
const UNAUTHENTICATED = new Set(['/health']);
const GATEWAY = new Set([GATEWAY_PATH]);

type Transform = NonNullable<FastifyDynamicSwaggerOptions['transform']>;

// The document is built from the routes' own TypeBox schemas, so it cannot drift from what
// is validated and serialized. Only routes with a response schema are resources; the 405
// answers, the console and the /api/public twins of each route stay out.
const transform: Transform = ({ schema, url }) => {
  const isResource =
    schema?.response !== undefined &&
    (url.startsWith(`${DOCUMENTED_PREFIX}/`) || UNAUTHENTICATED.has(url) || GATEWAY.has(url));
  if (!isResource) return { schema: { ...schema, hide: true }, url };
  const responses = Object.fromEntries(
    Object.entries(schema.response as Record<string, unknown>).map(([status, body]) => [
      status,
      documented(body),
    ]),
  );
  const open = UNAUTHENTICATED.has(url);
  return {
    url,
    schema: {
      ...schema,
      ...(open ? { security: [] } : {}),
      response: {
        ...responses,
        ...(open ? {} : { 401: { ...UnauthorizedDocument, description: 'Digest challenge' } }),
        default: { ...ErrorDocument, description: 'Atlas-style error' },
      },
    },
  };
};

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'keyward',
        version: VERSION,
        description:
          'Personal API keys with HTTP Digest authentication (RFC 7616), wire-compatible with the MongoDB Atlas Admin API v1.0. Every path below is also served under /api/public/v1.0. Every resource takes `pretty` and `envelope`.',
      },
      components: { securitySchemes: { digest: { type: 'http', scheme: 'digest' } } },
      security: [{ digest: [] }],
    },
    transform,
  });
}

/**
 * `/openapi.json`, without authentication like /health. It has no response schema, so the
 * transform leaves it out of the document it serves.
 */
export function openApiRoute(app: FastifyInstance): void {
  app.get('/openapi.json', async () => app.swagger());
}
