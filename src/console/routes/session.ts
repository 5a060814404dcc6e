import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hashPassword, passwordProblem, verifyPassword } from '../../domain/passwords.js';
import type { UserRecord } from '../../domain/records.js';
import { createUser, isValidUsername, USERNAME_RULE } from '../../domain/users.js';
import type { ConsoleContext } from '../context.js';
import { fields, frameOf, safeNext, seeOther, sendPage, text } from '../requests.js';
import { mayUseConsole } from '../sessions.js';
import { randomToken, sameToken } from '../tokens.js';
import { messagePage } from '../views/messages.js';
import { withNotice } from '../views/notices.js';
import { setupPage, signInPage } from '../views/sign-in.js';

// Verifying against this when the username is unknown makes every failure cost one scrypt,
// so response times do not reveal which usernames have console passwords.
let dummyHash: Promise<string> | undefined;
const dummy = () => {
  dummyHash ??= hashPassword(randomToken());
  return dummyHash;
};

/** Sign-in, sign-out and first-run setup: the console's only pages without a session. */
export function sessionRoutes(scope: FastifyInstance, context: ConsoleContext): void {
  const { store, throttle } = context.api;
  const { cookies, sessions } = context;
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: cookies.secure,
  } as const;

  // Before sign-in there is no session to hold a CSRF token: the form carries one that must
  // match a SameSite=Strict cookie, which another site's form cannot send.
  const formToken = (request: FastifyRequest, reply: FastifyReply): string => {
    const existing = request.cookies[cookies.form];
    if (existing && /^[\w-]{43}$/.test(existing)) return existing;
    const token = randomToken();
    reply.setCookie(cookies.form, token, cookieOptions);
    return token;
  };
  const formTokenMatches = (request: FastifyRequest) => {
    const cookie = request.cookies[cookies.form];
    return cookie !== undefined && sameToken(text(request.body, '_form'), cookie);
  };
  const refuseForm = (request: FastifyRequest, reply: FastifyReply) =>
    sendPage(
      reply,
      403,
      messagePage(
        frameOf(context, request),
        'Form refused',
        'This form did not come from this console, or your browser refused its cookie. Reload the page and try again.',
      ),
    );

  const signIn = async (reply: FastifyReply, user: UserRecord, next: string) => {
    reply.setCookie(cookies.session, await sessions.start(user), {
      ...cookieOptions,
      maxAge: sessions.lifetimeSeconds,
    });
    reply.clearCookie(cookies.form, cookieOptions);
    return seeOther(reply, next);
  };

  scope.get('/sign-in', async (request, reply) => {
    if (await sessions.resume(request.cookies[cookies.session])) {
      return seeOther(reply, '/console/users');
    }
    if (!(await store.hasConsoleAccount())) {
      return sendPage(
        reply,
        200,
        messagePage(
          frameOf(context, request),
          'Nobody can sign in yet',
          'Open the setup link that "keyward serve" printed when it started, or create an account with: keyward users create --username NAME --global-owner --password-stdin',
        ),
      );
    }
    return sendPage(
      reply,
      200,
      signInPage(frameOf(context, request), {
        formToken: formToken(request, reply),
        next: safeNext(text(request.query, 'next')),
      }),
    );
  });

  scope.post('/sign-in', async (request, reply) => {
    if (!formTokenMatches(request)) return refuseForm(request, reply);
    const form = fields(request.body, ['username', 'password', 'next']);
    const next = safeNext(form.next);
    const again = (status: number, message: string) =>
      sendPage(
        reply,
        status,
        signInPage(
          { ...frameOf(context, request), notice: { kind: 'error', text: message } },
          { formToken: formToken(request, reply), next, values: { username: form.username } },
        ),
      );

    const throttleKeys = [`console-ip:${request.ip}`, `console-user:${form.username}`];
    const wait = Math.max(...throttleKeys.map((key) => throttle.retryAfter(key)));
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return again(429, `Too many failed sign-ins. Try again in ${wait} seconds.`);
    }
    const [user, hash] = await Promise.all([
      store.getUserByUsername(form.username),
      store.getPasswordHash(form.username),
    ]);
    const passwordOk = await verifyPassword(form.password, hash ?? (await dummy()));
    if (!user || !hash || !passwordOk || !mayUseConsole(user)) {
      for (const key of throttleKeys) throttle.fail(key);
      return again(
        401,
        'Wrong username or password, or this account may not use the console (GLOBAL_OWNERs only).',
      );
    }
    for (const key of throttleKeys) throttle.succeed(key);
    request.log.info({ username: user.username }, 'console sign-in');
    return signIn(reply, user, next);
  });

  scope.post('/sign-out', async (request, reply) => {
    const id = request.cookies[cookies.session];
    const signedIn = await sessions.resume(id);
    // Only the page's own form may end the session (a cross-site POST could otherwise).
    if (signedIn && !sameToken(text(request.body, '_csrf'), signedIn.session.csrfToken)) {
      return refuseForm(request, reply);
    }
    await sessions.end(id);
    reply.clearCookie(cookies.session, cookieOptions);
    return seeOther(reply, withNotice('/console/sign-in', 'signed-out'));
  });

  // First run: whoever holds the token `keyward serve` printed creates the first GLOBAL_OWNER.
  const setupClosed = async (request: FastifyRequest, reply: FastifyReply, token: string) => {
    if (await store.hasConsoleAccount()) return seeOther(reply, '/console/sign-in');
    if (!sameToken(token, context.setupToken)) {
      return sendPage(
        reply,
        403,
        messagePage(
          frameOf(context, request),
          'Setup link not valid',
          'Use the setup link that "keyward serve" printed when it started; it changes at every start.',
        ),
      );
    }
    return undefined;
  };

  scope.get('/setup', async (request, reply) => {
    const token = text(request.query, 'token');
    const closed = await setupClosed(request, reply, token);
    if (closed) return closed;
    return sendPage(
      reply,
      200,
      setupPage(frameOf(context, request), {
        formToken: formToken(request, reply),
        setupToken: token,
      }),
    );
  });

  scope.post('/setup', async (request, reply) => {
    if (!formTokenMatches(request)) return refuseForm(request, reply);
    const form = fields(request.body, ['token', 'username', 'password', 'confirm']);
    const closed = await setupClosed(request, reply, form.token);
    if (closed) return closed;
    const problems: Record<string, string> = {};
    if (!isValidUsername(form.username)) {
      problems.username = USERNAME_RULE;
    }
    const weak = passwordProblem(form.password);
    if (weak) problems.password = `Too short or too long: ${weak}.`;
    else if (form.password !== form.confirm) problems.confirm = 'The two passwords differ.';
    if (Object.keys(problems).length === 0) {
      const created = await createUser(store, {
        username: form.username,
        globalOwner: true,
        passwordHash: await hashPassword(form.password),
      });
      if (created.ok) {
        context.api.users.invalidate(created.value.username, created.revision);
        return signIn(reply, created.value, withNotice('/console/users', 'welcome'));
      }
      problems.username =
        created.error === 'username-taken' ? 'That username is taken.' : USERNAME_RULE;
    }
    return sendPage(
      reply,
      400,
      setupPage(frameOf(context, request), {
        formToken: formToken(request, reply),
        setupToken: form.token,
        values: { username: form.username },
        problems,
      }),
    );
  });
}
