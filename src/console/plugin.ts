import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { ApiContext } from '../http/context.js';
import { consoleSource, registerAuditSource } from '../http/plugins/audit-source.js';
import { loadAssets } from './assets.js';
import { type ConsoleContext, cookieNames } from './context.js';
import { KeyReveals } from './key-reveals.js';
import { frameOf, homeOf, safeNext, seeOther, sendPage, text } from './requests.js';
import { activityRoutes } from './routes/activity.js';
import { adminOnly } from './routes/admin-only.js';
import { keyDescriptionRoutes } from './routes/key-description.js';
import { keyRoutes } from './routes/keys.js';
import { linkRoutes } from './routes/links.js';
import { orgApiKeyPageRoutes } from './routes/org-api-key.js';
import { orgApiKeyRoutes } from './routes/org-api-keys.js';
import { orgMemberRoutes } from './routes/org-members.js';
import { orgRoutes } from './routes/orgs.js';
import { roleRoutes } from './routes/roles.js';
import { selfRoutes } from './routes/self.js';
import { sessionRoutes } from './routes/session.js';
import { userAccessListRoutes } from './routes/user-access-list.js';
import { userRoutes } from './routes/users.js';
import { welcomeRoutes } from './routes/welcome.js';
import { registerSecurityHeaders } from './security-headers.js';
import { ConsoleSessions } from './sessions.js';
import { type SetupGate, SetupToken } from './setup-token.js';
import { sameToken } from './tokens.js';
import { messagePage } from './views/messages.js';
import { withNotice } from './views/notices.js';

export interface ConsoleOptions {
  readonly sessionLifetimeMs: number;
  readonly sessionIdleMs: number;
  readonly setupToken: string;
  /** Given with several workers: the primary's gate instead of this process's own. */
  readonly setupGate?: SetupGate;
}

const HOUR_MS = 3_600_000;

/** The web console under /console: server-rendered pages over the API's own context. */
export async function registerConsole(
  app: FastifyInstance,
  api: ApiContext,
  options: ConsoleOptions,
): Promise<void> {
  const secure = api.publicUrl?.https ?? false;
  const context: ConsoleContext = {
    api,
    sessions: new ConsoleSessions(api.store, {
      lifetimeMs: options.sessionLifetimeMs,
      idleMs: options.sessionIdleMs,
    }),
    reveals: new KeyReveals(api.store),
    assets: await loadAssets(),
    cookies: { ...cookieNames(secure), secure },
    setupToken: options.setupGate ?? new SetupToken(options.setupToken),
  };
  const prune = setInterval(() => {
    context.sessions.prune().catch((error) => app.log.warn({ err: error }, 'session prune failed'));
  }, HOUR_MS);
  prune.unref();
  app.addHook('onClose', async () => clearInterval(prune));
  rootRoutes(app, context);
  await app.register((scope) => consoleScope(scope, context), { prefix: '/console' });
}

const DAY_SECONDS = 86_400;

/**
 * What a browser asks of the site's root. The icon keeps its name across releases, so it is
 * cached for a week rather than for good. `/` sends a person to the console; an API client
 * (curl's any-type Accept, or JSON) still gets the API's 404 document, as before the console existed.
 */
function rootRoutes(app: FastifyInstance, context: ConsoleContext): void {
  app.get('/favicon.ico', async (_request, reply) =>
    reply
      .type(context.assets.iconIco.type)
      .header('cache-control', `public, max-age=${7 * DAY_SECONDS}`)
      .send(context.assets.iconIco.body),
  );
  app.get('/', async (request, reply) => {
    if (!wantsHtml(request.headers.accept)) return reply.callNotFound();
    return seeOther(reply, '/console');
  });
}

/** Browsers name text/html in Accept when they navigate; curl and API clients do not. */
function wantsHtml(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((range) => {
    const [type = '', ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    return type === 'text/html' && !parameters.some((p) => /^q=0(\.0*)?$/.test(p));
  });
}

// Registered inside this encapsulated scope, the form and cookie parsers exist for the
// console only: the API keeps answering 415 to anything but JSON.
async function consoleScope(scope: FastifyInstance, context: ConsoleContext): Promise<void> {
  await scope.register(fastifyFormbody);
  await scope.register(fastifyCookie);
  scope.decorateRequest('signedIn', undefined);
  registerSecurityHeaders(scope);
  registerErrorPages(scope, context);

  scope.get('/static/:name', async (request, reply) => {
    const asset = context.assets.byName(text(request.params, 'name'));
    if (!asset)
      return sendPage(
        reply,
        404,
        messagePage(frameOf(context, request), 'Not found', 'No such file.'),
      );
    return reply
      .type(asset.type)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(asset.body);
  });
  scope.get('/', async (request, reply) => {
    const signedIn = await context.sessions.resume(request.cookies[context.cookies.session]);
    return seeOther(reply, signedIn ? homeOf(signedIn.user) : '/console/users');
  });
  // The public pages act as nobody known; the sign-in and sign-out name their user themselves.
  registerAuditSource(scope, (request) => consoleSource(request));
  sessionRoutes(scope, context);
  welcomeRoutes(scope, context);

  await scope.register(async (protectedScope) => {
    protectedScope.addHook('preHandler', async (request, reply) => {
      const cookie = request.cookies[context.cookies.session];
      const signedIn = await context.sessions.resume(cookie);
      if (!signedIn) {
        const next = request.method === 'GET' ? safeNext(request.url) : '/console';
        const signIn = `/console/sign-in?next=${encodeURIComponent(next)}`;
        return seeOther(reply, cookie ? withNotice(signIn, 'session-ended') : signIn);
      }
      request.signedIn = signedIn;
      // Every state change carries the session's token: a form on another site cannot.
      if (
        request.method !== 'GET' &&
        !sameToken(text(request.body, '_csrf'), signedIn.session.csrfToken)
      ) {
        return sendPage(
          reply,
          403,
          messagePage(
            frameOf(context, request),
            'Form refused',
            'This form did not come from your console session (or the page is too old). Reload the page and try again.',
          ),
        );
      }
    });
    registerAuditSource(protectedScope, (request) =>
      consoleSource(request, request.signedIn?.user),
    );
    // Every change an administrator makes, one line each: who, which route, which ids, and
    // how it ended. Never the body, which may hold a password; never a generated key.
    protectedScope.addHook('onResponse', async (request, reply) => {
      if (request.method !== 'POST' || !request.signedIn) return;
      request.log.info(
        {
          admin: request.signedIn.user.username,
          action: request.routeOptions.url,
          params: request.params,
          status: reply.statusCode,
        },
        'console change',
      );
    });
    keyRoutes(protectedScope, context);
    activityRoutes(protectedScope, context);
    keyDescriptionRoutes(protectedScope, context);
    selfRoutes(protectedScope, context);
    orgMemberRoutes(protectedScope, context);
    // Outside the administrators' scope: ORG_OWNERs manage their orgs' keys, and every
    // user their own access list; each route asks the API's rule itself.
    orgApiKeyRoutes(protectedScope, context);
    orgApiKeyPageRoutes(protectedScope, context);
    userAccessListRoutes(protectedScope, context);
    await protectedScope.register(async (adminScope) => {
      adminScope.addHook('preHandler', async (request, reply) =>
        adminOnly(context, request, reply),
      );
      orgRoutes(adminScope, context);
      userRoutes(adminScope, context);
      roleRoutes(adminScope, context);
      linkRoutes(adminScope, context);
    });
  });
}

function registerErrorPages(scope: FastifyInstance, context: ConsoleContext): void {
  scope.setNotFoundHandler((request, reply) =>
    sendPage(
      reply,
      404,
      messagePage(frameOf(context, request), 'Not found', 'There is no such page in the console.'),
    ),
  );
  scope.setErrorHandler((error: FastifyError, request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500
        ? error.statusCode
        : 500;
    if (status === 500) request.log.error({ err: error }, 'console request failed');
    const message =
      status === 500
        ? 'Something went wrong on the server. Try again; if it happens again, the server log says why.'
        : `The request could not be handled: ${error.message}`;
    return sendPage(
      reply,
      status,
      messagePage(
        frameOf(context, request),
        status === 500 ? 'Server error' : 'Bad request',
        message,
      ),
    );
  });
}
