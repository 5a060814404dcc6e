import type { FastifyInstance } from 'fastify';

/**
 * One line per request, at debug level. Fastify's own request logging writes two info lines
 * per request, which cost a third of keyward's throughput in the benchmark; operators who
 * want an access log run with `--log-level debug`. URLs carry no secrets; headers are not
 * logged at all.
 */
export function registerAccessLog(app: FastifyInstance): void {
  if (!['debug', 'trace'].includes(app.log.level)) return;
  app.addHook('onResponse', (request, reply, done) => {
    request.log.debug(
      {
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        remoteAddress: request.ip,
      },
      'request',
    );
    done();
  });
}
