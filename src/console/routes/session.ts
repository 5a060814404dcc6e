import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actingAs } from '../../domain/audit-scope.js';
import { FairQueue } from '../../domain/fair-queue.js';
import { hashPassword, passwordProblem, verifyPassword } from '../../domain/passwords.js';
import { ThrottleUnavailable } from '../../domain/throttle.js';
import { createUser, isValidUsername, usernameRefusal } from '../../domain/users.js';
import { consoleSource } from '../../http/plugins/audit-source.js';
import type { ConsoleContext } from '../context.js';
import { publicForms } from '../public-forms.js';
import { fields, frameOf, landingFor, safeNext, seeOther, sendPage, text } from '../requests.js';
import type { SetupClaim, SetupRefusal } from '../setup-token.js';
import { randomToken, sameToken } from '../tokens.js';
import { plural } from '../views/format.js';
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

// scrypt runs in libuv's pool (4 threads unless UV_THREADPOOL_SIZE says otherwise): two
// at a time leave the rest to everything else. Ten sign-ins at once are plenty for an
// administrators' console, and a full wait drains in under a second (about 0.1 s each).
const HASHING = { concurrency: 2, maxWaiting: 8 };
const BUSY_RETRY_SECONDS = 2;

/** Sign-in, sign-out and first-run setup: the console's only pages without a session. */
export function sessionRoutes(scope: FastifyInstance, context: ConsoleContext): void {
  const { store, throttle } = context.api;
  const hashing = new FairQueue(HASHING);
  const { cookies, sessions } = context;
  const { cookieOptions, formToken, formTokenMatches, refuseForm, signIn } = publicForms(context);

  scope.get('/sign-in', async (request, reply) => {
    if (await sessions.resume(request.cookies[cookies.session])) {
      return seeOther(reply, '/console');
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

    // Counted before any hashing: concurrent guesses cannot all pass one check.
    const attempt = await Promise.resolve()
      .then(() => throttle.attempt([`console-ip:${request.ip}`, `console-user:${form.username}`]))
      .catch((error: unknown) => {
        // Kept in Redis (--redis-url) and Redis is out of reach: uncounted, nothing is checked.
        if (error instanceof ThrottleUnavailable) return undefined;
        throw error;
      });
    if (attempt === undefined) {
      return again(503, 'Sign-ins cannot be checked now. Try again in a moment.');
    }
    if (attempt.kind === 'refused') {
      reply.header('retry-after', String(attempt.retryAfter));
      return again(
        429,
        `Too many failed sign-ins. Try again in ${plural(attempt.retryAfter, 'second')}.`,
      );
    }
    const [user, hash] = await Promise.all([
      store.getUserByUsername(form.username),
      store.getPasswordHash(form.username),
    ]);
    const checked = await hashing.run(request.ip, async () =>
      verifyPassword(form.password, hash ?? (await dummy())),
    );
    if (checked.kind === 'busy') {
      attempt.ticket.withdraw();
      reply.header('retry-after', String(BUSY_RETRY_SECONDS));
      return again(
        503,
        `Too many sign-ins at once. Try again in ${plural(BUSY_RETRY_SECONDS, 'second')}.`,
      );
    }
    if (!user || !hash || !checked.value) {
      // Counted by the throttle, so bounded. Never the name typed: it may be a password typed
      // in the wrong field. A known user is named by id.
      await store.recordAudit({
        action: 'console.signInFailed',
        targets: user ? { userId: user.id } : {},
        outcome: 'failed',
      });
      return again(
        401,
        'Wrong username or password (or this account has no console password yet: ask an administrator for an invitation).',
      );
    }
    attempt.ticket.succeed();
    request.log.info({ username: user.username }, 'console sign-in');
    return signIn(reply, user, landingFor(user, next));
  });

  scope.post('/sign-out', async (request, reply) => {
    const id = request.cookies[cookies.session];
    const signedIn = await sessions.resume(id);
    // Only the page's own form may end the session (a cross-site POST could otherwise).
    if (signedIn && !sameToken(text(request.body, '_csrf'), signedIn.session.csrfToken)) {
      return refuseForm(request, reply);
    }
    await actingAs(consoleSource(request, signedIn?.user), () => sessions.end(id));
    reply.clearCookie(cookies.session, cookieOptions);
    return seeOther(reply, withNotice('/console/sign-in', 'signed-out'));
  });

  // First run: whoever holds the token `keyward serve` printed creates one GLOBAL_OWNER.
  const setupRefused = (request: FastifyRequest, reply: FastifyReply, refusal: SetupRefusal) => {
    const [status, title, message] = SETUP_REFUSALS[refusal];
    return sendPage(reply, status, messagePage(frameOf(context, request), title, message));
  };
  // Once anyone can sign in, set up here or by the CLI, the link has done its job for good.
  const setupDone = async () => {
    if (!(await store.hasConsoleAccount())) return false;
    context.setupToken.retire();
    return true;
  };

  scope.get('/setup', async (request, reply) => {
    if (await setupDone()) return seeOther(reply, '/console/sign-in');
    const token = text(request.query, 'token');
    const refusal = await context.setupToken.check(token);
    if (refusal) return setupRefused(request, reply, refusal);
    return sendPage(
      reply,
      200,
      setupPage(frameOf(context, request), {
        formToken: formToken(request, reply),
        setupToken: token,
      }),
    );
  });

  // Runs holding the claim: spends it once a user exists, gives it back on a refused form.
  const createFirstAdmin = async (
    request: FastifyRequest,
    reply: FastifyReply,
    form: SetupForm,
    claim: SetupClaim,
  ) => {
    if (await setupDone()) return seeOther(reply, '/console/sign-in');
    const problems: Record<string, string> = {};
    if (!isValidUsername(form.username)) {
      problems.username = usernameRefusal(form.username);
    }
    const weak = passwordProblem(form.password);
    if (weak) problems.password = `Not accepted: ${weak}.`;
    else if (form.password !== form.confirm) problems.confirm = 'The two passwords differ.';
    if (Object.keys(problems).length === 0) {
      const created = await createUser(store, {
        username: form.username,
        globalOwner: true,
        passwordHash: await hashPassword(form.password),
      });
      if (created.ok) {
        claim.spend();
        context.api.users.invalidate(created.value.username, created.revision);
        return signIn(reply, created.value, withNotice('/console/users', 'welcome'));
      }
      problems.username =
        created.error === 'username-taken'
          ? 'That username is taken.'
          : usernameRefusal(form.username);
    }
    claim.release();
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
  };

  scope.post('/setup', async (request, reply) => {
    if (!formTokenMatches(request)) return refuseForm(request, reply);
    const form = fields(request.body, SETUP_FIELDS);
    // Claimed in one step (here, or by the cluster primary): of concurrent forms, one goes on.
    const claim = await context.setupToken.claim(form.token);
    if (!claim.ok) return setupRefused(request, reply, claim.error);
    // A failure cannot tell whether a user was written: it spends the link too.
    return createFirstAdmin(request, reply, form, claim.value).catch((error: unknown) => {
      claim.value.spend();
      throw error;
    });
  });
}

const SETUP_FIELDS = ['token', 'username', 'password', 'confirm'] as const;
type SetupForm = Record<(typeof SETUP_FIELDS)[number], string>;

const SETUP_REFUSALS: Record<SetupRefusal, readonly [number, string, string]> = {
  wrong: [
    403,
    'Setup link not valid',
    'Use the setup link that "keyward serve" printed when it started; it changes at every start.',
  ],
  spent: [
    403,
    'Setup link already used',
    'This setup link has created an administrator and works only once. Create an account with: keyward users create --username NAME --global-owner --password-stdin, or restart keyward serve for a new link.',
  ],
  busy: [
    409,
    'Setup in progress',
    'Another form with this setup link is being handled right now. Wait a moment, then send the form again.',
  ],
};
