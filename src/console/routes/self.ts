import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isObjectId } from '../../domain/ids.js';
import { hashPassword, passwordProblem, verifyPassword } from '../../domain/passwords.js';
import { ThrottleUnavailable } from '../../domain/throttle.js';
import { PROFILE_FIELDS, updateProfile } from '../../domain/users.js';
import type { ConsoleContext } from '../context.js';
import { publicForms } from '../public-forms.js';
import { fields, seeOther, sendPage, signedInFrame, text } from '../requests.js';
import type { FormState } from '../views/forms.js';
import { withNotice } from '../views/notices.js';
import { profilePage } from '../views/profile.js';
import { profileRefusals } from './create-user.js';
import { sendMyKeysPage } from './user-page.js';

/** What every signed-in user has: "My keys" and their own profile. */
export function selfRoutes(scope: FastifyInstance, context: ConsoleContext): void {
  const { store, users, throttle } = context.api;
  const forms = publicForms(context);
  const me = (request: FastifyRequest) => {
    const user = request.signedIn?.user;
    if (!user) throw new Error('a protected console route ran without a session');
    return user;
  };
  const profile = (request: FastifyRequest, reply: FastifyReply, status: number, form: FormState) =>
    sendPage(reply, status, profilePage(signedInFrame(context, request), form));

  scope.get('/keys', (request, reply) => sendMyKeysPage(context, request, reply));
  // The rename form on My keys picks a key by a GET, without script: on to its own page.
  scope.get('/keys/edit', async (request, reply) => {
    const key = text(request.query, 'key');
    if (!isObjectId(key)) return seeOther(reply, '/console/keys');
    return seeOther(reply, `/console/users/${me(request).id}/keys/${key}/edit`);
  });
  scope.get('/profile', (request, reply) => profile(request, reply, 200, {}));

  scope.post('/profile', async (request, reply) => {
    const user = me(request);
    const form = fields(request.body, PROFILE_FIELDS);
    const updated = await updateProfile(store, user.id, form);
    if (!updated.ok) {
      return profile(request, reply, 400, { values: form, problems: profileRefusals(form) });
    }
    users.invalidate(user.username, updated.revision);
    return seeOther(reply, withNotice('/console/profile', 'profile-saved'));
  });

  // Asks for the current password, so a session left open cannot take the account over;
  // guesses count against the same throttle as sign-ins.
  scope.post('/profile/password', async (request, reply) => {
    const user = me(request);
    const form = fields(request.body, ['current', 'password', 'confirm']);
    const refuse = (status: number, problems: Record<string, string>) =>
      profile(request, reply, status, { problems });
    const attempt = await Promise.resolve()
      .then(() => throttle.attempt([`console-user:${user.username}`]))
      .catch((error: unknown) => {
        if (error instanceof ThrottleUnavailable) return undefined;
        throw error;
      });
    if (attempt === undefined) {
      return refuse(503, { current: 'Passwords cannot be checked now. Try again in a moment.' });
    }
    if (attempt.kind === 'refused') {
      reply.header('retry-after', String(attempt.retryAfter));
      return refuse(429, {
        current: `Too many wrong passwords. Try again in ${attempt.retryAfter} seconds.`,
      });
    }
    const hash = await store.getPasswordHash(user.username);
    if (!hash || !(await verifyPassword(form.current, hash))) {
      return refuse(403, { current: 'That is not your current password.' });
    }
    attempt.ticket.succeed();
    const weak = passwordProblem(form.password);
    if (weak) return refuse(400, { password: `Not accepted: ${weak}.` });
    if (form.password !== form.confirm)
      return refuse(400, { confirm: 'The two passwords differ.' });
    await store.setPasswordHash(user.username, await hashPassword(form.password));
    // Every session of the account ended with it; this browser gets a new one.
    return forms.signIn(reply, user, withNotice('/console/profile', 'own-password-changed'));
  });
}
