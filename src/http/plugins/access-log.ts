import type { FastifyInstance } from 'fastify';
import { redactQuerySecrets } from '../log-redaction.js';

/**
 * One line per request, at debug level. Fastify's own request logging writes two info lines
 * per request, which cost a third of keyward's throughput in the benchmark; operators who
 * want an access log run with `--log-level debug`. The console's setup link carries a token
 * in its query, which is redacted here (and from every line by the logger `serve` builds);
 * headers are not logged at all.
 */
export function registerAccessLog(app: FastifyInstance): void {
  if (!['debug', 'trace'].includes(app.log.level)) return;
  app.addHook('onResponse', (request, reply, done) => {
    request.log.debug(
      {
        method: request.method,
        url: redactQuerySecrets(request.url),
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        remoteAddress: request.ip,
      },
      'request',
    );
    done();
  });
}
