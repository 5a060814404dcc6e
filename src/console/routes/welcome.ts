import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hashPassword, passwordProblem } from '../../domain/passwords.js';
import type { ConsoleContext } from '../context.js';
import { findConsoleLink, redeemConsoleLink } from '../links.js';
import { type PublicForms, publicForms } from '../public-forms.js';
import { fields, frameOf, sendPage, text } from '../requests.js';
import { messagePage } from '../views/messages.js';
import { withNotice } from '../views/notices.js';
import { welcomePage } from '../views/welcome.js';

const LINK_REFUSED =
  'This link has been used, has expired, or was replaced by a newer one. Ask an administrator for a new link.';

/**
 * Invitation and password-reset links: no session yet, so the form carries the pre-sign-in
 * token, and the link's own token, which only the redeeming UPDATE spends.
 */
export function welcomeRoutes(scope: FastifyInstance, context: ConsoleContext): void {
  const { store } = context.api;
  const forms: PublicForms = publicForms(context);

  // 410: the link existed or not, the page says the same either way.
  const refused = (request: FastifyRequest, reply: FastifyReply) =>
    sendPage(reply, 410, messagePage(frameOf(context, request), 'Link not valid', LINK_REFUSED));

  scope.get('/welcome', async (request, reply) => {
    const token = text(request.query, 'token');
    const link = await findConsoleLink(store, token);
    const user = link && (await store.getUserById(link.userId));
    if (!link || !user) return refused(request, reply);
    const formToken = forms.formToken(request, reply);
    return sendPage(
      reply,
      200,
      welcomePage(frameOf(context, request), { formToken, token, user, purpose: link.purpose }),
    );
  });

  scope.post('/welcome', async (request, reply) => {
    if (!forms.formTokenMatches(request)) return forms.refuseForm(request, reply);
    const form = fields(request.body, ['token', 'password', 'confirm']);
    const link = await findConsoleLink(store, form.token);
    const user = link && (await store.getUserById(link.userId));
    if (!link || !user) return refused(request, reply);
    const weak = passwordProblem(form.password);
    const problems: Record<string, string> | undefined = weak
      ? { password: `Not accepted: ${weak}.` }
      : form.password !== form.confirm
        ? { confirm: 'The two passwords differ.' }
        : undefined;
    if (problems) {
      return sendPage(
        reply,
        400,
        welcomePage(frameOf(context, request), {
          formToken: forms.formToken(request, reply),
          token: form.token,
          user,
          purpose: link.purpose,
          problems,
        }),
      );
    }
    // The lookup above only shaped the page: this one step decides, once, for good.
    const spent = await redeemConsoleLink(store, form.token, await hashPassword(form.password));
    if (!spent) return refused(request, reply);
    request.log.info({ username: user.username, purpose: spent.purpose }, 'console link used');
    return forms.signIn(reply, user, withNotice('/console/keys', 'password-chosen'));
  });
}
