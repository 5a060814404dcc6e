import type { FastifyReply, FastifyRequest } from 'fastify';
import { actingAs } from '../domain/audit-scope.js';
import type { UserRecord } from '../domain/records.js';
import { consoleSource } from '../http/plugins/audit-source.js';
import type { ConsoleContext } from './context.js';
import { frameOf, seeOther, sendPage, text } from './requests.js';
import { randomToken, sameToken } from './tokens.js';
import { messagePage } from './views/messages.js';

/** What the pages without a session (sign-in, setup, invitation links) share. */
export interface PublicForms {
  readonly cookieOptions: {
    readonly path: '/';
    readonly httpOnly: true;
    readonly sameSite: 'strict';
    readonly secure: boolean;
  };
  /** The form's token, set as a cookie too if the browser has none yet. */
  formToken(request: FastifyRequest, reply: FastifyReply): string;
  formTokenMatches(request: FastifyRequest): boolean;
  refuseForm(request: FastifyRequest, reply: FastifyReply): FastifyReply;
  /** Starts a session for the user and sends them to `next`. */
  signIn(reply: FastifyReply, user: UserRecord, next: string): Promise<FastifyReply>;
}

export function publicForms(context: ConsoleContext): PublicForms {
  const { cookies, sessions } = context;
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: cookies.secure,
  } as const;
  return {
    cookieOptions,
    // Before sign-in there is no session to hold a CSRF token: the form carries one that
    // must match a SameSite=Strict cookie, which another site's form cannot send.
    formToken(request, reply) {
      const existing = request.cookies[cookies.form];
      if (existing && /^[\w-]{43}$/.test(existing)) return existing;
      const token = randomToken();
      reply.setCookie(cookies.form, token, cookieOptions);
      return token;
    },
    formTokenMatches(request) {
      const cookie = request.cookies[cookies.form];
      return cookie !== undefined && sameToken(text(request.body, '_form'), cookie);
    },
    refuseForm(request, reply) {
      return sendPage(
        reply,
        403,
        messagePage(
          frameOf(context, request),
          'Form refused',
          'This form did not come from this console, or your browser refused its cookie. Reload the page and try again.',
        ),
      );
    },
    async signIn(reply, user, next) {
      const started = await actingAs(consoleSource(reply.request, user), () =>
        sessions.start(user),
      );
      reply.setCookie(cookies.session, started, {
        ...cookieOptions,
        maxAge: sessions.lifetimeSeconds,
      });
      reply.clearCookie(cookies.form, cookieOptions);
      return seeOther(reply, next);
    },
  };
}
