import proxyAddr from '@fastify/proxy-addr';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions, LogController } from 'fastify';
import { type ConsoleOptions, registerConsole } from '../console/plugin.js';
import { registerRequestMetrics } from '../metrics/request-metrics.js';
import { clientErrorHandler } from './client-errors.js';
import type { ApiContext } from './context.js';
import { methodNotAllowed } from './method-not-allowed.js';
import { openApiRoute, registerOpenApi } from './openapi.js';
import { registerAccessLog } from './plugins/access-log.js';
import { apiActor, httpOrigin, registerAuditSource } from './plugins/audit-source.js';
import { digestAuthentication } from './plugins/digest-auth.js';
import { registerErrorHandling } from './plugins/errors.js';
import { registerRenderer } from './render.js';
import { ACCESS_LIST_NAMES } from './routes/access-list.js';
import type { Api } from './routes/api.js';
import { gatewayRoutes } from './routes/gateway.js';
import { healthRoutes } from './routes/health.js';
import { keyRoutes } from './routes/keys.js';
import { orgApiKeyAccessListRoutes } from './routes/org-api-key-access-list.js';
import { orgApiKeyRoutes } from './routes/org-api-keys.js';
import { orgRoutes } from './routes/orgs.js';
import { userAccessListRoutes } from './routes/user-access-list.js';
import { userRoutes } from './routes/users.js';
import { validatorCompiler } from './validation.js';

/** Atlas and Cloud/Ops Manager paths serve the same resources. */
export const API_PREFIXES = ['/api/atlas/v1.0', '/api/public/v1.0'] as const;

// The whole API on one screen: every resource path, and the methods it allows.
function apiRoutes(api: Api, context: ApiContext): void {
  keyRoutes(api, context);
  methodNotAllowed(api, '/users/:userId/keys', ['GET', 'POST']);
  methodNotAllowed(api, '/users/:userId/keys/:keyId', ['PATCH', 'DELETE']);
  userRoutes(api, context);
  methodNotAllowed(api, '/users', ['POST']);
  methodNotAllowed(api, '/users/:userId', ['GET', 'PATCH']);
  methodNotAllowed(api, '/users/byName/:username', ['GET']);
  orgRoutes(api, context);
  methodNotAllowed(api, '/orgs', ['GET']);
  methodNotAllowed(api, '/orgs/:orgId', ['GET', 'PATCH', 'DELETE']);
  methodNotAllowed(api, '/orgs/:orgId/users', ['GET']);
  orgApiKeyRoutes(api, context);
  methodNotAllowed(api, '/orgs/:orgId/apiKeys', ['GET', 'POST']);
  methodNotAllowed(api, '/orgs/:orgId/apiKeys/:apiKeyId', ['GET', 'PATCH', 'DELETE']);
  userAccessListRoutes(api, context);
  orgApiKeyAccessListRoutes(api, context);
  for (const owner of ['/users/:userId', '/orgs/:orgId/apiKeys/:apiKeyId']) {
    for (const name of ACCESS_LIST_NAMES) {
      methodNotAllowed(api, `${owner}/${name}`, ['GET', 'POST']);
      methodNotAllowed(api, `${owner}/${name}/:address`, ['GET', 'DELETE']);
    }
  }
}

export type AppOptions = Pick<
  FastifyServerOptions,
  'bodyLimit' | 'loggerInstance' | 'requestTimeout' | 'keepAliveTimeout' | 'trustProxy'
> & {
  readonly maxHeaderSize?: number;
  /** Serve the web console under /console with these settings. */
  readonly console?: ConsoleOptions;
};

export async function buildApp(context: ApiContext, options: AppOptions = {}) {
  const { maxHeaderSize, console: consoleOptions, ...fastifyOptions } = options;
  const app = Fastify({
    ...fastifyOptions,
    // Past maxHeaderSize, Node answers 431 before any of keyward's code runs. Node checks
    // request timeouts only every connectionsCheckingInterval (30 s by default), which would
    // let a slow client hold a socket far past --request-timeout.
    http: { maxHeaderSize: maxHeaderSize ?? 16_384, connectionsCheckingInterval: 1000 },
    // Fastify's two info lines per request; plugins/access-log.ts writes one, at debug.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    clientErrorHandler,
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 256 },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  // Fastify parses text/plain by default; keyward takes JSON bodies only (415 otherwise).
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('principal', undefined);
  app.decorateRequest('signingKeyId', undefined);
  registerAccessLog(app);
  if (context.metrics) registerRequestMetrics(app, context.metrics);
  registerRenderer(app);
  registerErrorHandling(app, context.authenticator);
  await registerOpenApi(app);

  healthRoutes(app, context);
  openApiRoute(app);
  gatewayRoutes(app, context, trustedPeer(fastifyOptions.trustProxy));
  for (const prefix of API_PREFIXES) {
    await app.register(
      async (api) => {
        api.addHook('onRequest', digestAuthentication(context));
        registerAuditSource(api, (request) => ({
          actor: apiActor(request),
          origin: httpOrigin(request, 'api'),
        }));
        apiRoutes(api, context);
      },
      { prefix },
    );
  }
  if (consoleOptions) await registerConsole(app, context, consoleOptions);
  return app;
}

/** Whether the connection's peer is a --trust-proxy address, judged as Fastify judges it. */
function trustedPeer(trustProxy: AppOptions['trustProxy']): (address: string) => boolean {
  if (typeof trustProxy === 'string' || Array.isArray(trustProxy)) {
    const list = typeof trustProxy === 'string' ? trustProxy.split(',') : trustProxy;
    const trust = proxyAddr.compile(list.map((entry) => entry.trim()));
    return (address) => trust(address, 0);
  }
  return () => trustProxy === true;
}
