import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.js';

/** The route label of a request no route matched: its raw URL would let clients mint series. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * keyward_http_requests_total and keyward_http_request_duration_seconds, labelled with the
 * route's pattern (`/api/atlas/v1.0/users/:userId/keys`), never the URL, so the number of
 * series stays bounded whatever clients send. Requests Node refuses before Fastify sees
 * them (a 431 for oversized headers, a malformed request line) are not counted.
 */
export function registerRequestMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    metrics.request(
      request.method,
      request.routeOptions.url ?? UNMATCHED_ROUTE,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
}
