import { MIN_PASSWORD_LENGTH } from '../../domain/passwords.js';
import type { UserRecord } from '../../domain/records.js';
import type { ConsoleLinkPurpose } from '../../store/store.js';
import { type Html, html } from '../html.js';
import { field, type Problems } from './forms.js';
import { type Frame, notice, page } from './layout.js';

export interface WelcomeView {
  readonly formToken: string;
  /** The link's token, carried in the form so the POST can spend it. */
  readonly token: string;
  readonly user: UserRecord;
  readonly purpose: ConsoleLinkPurpose;
  readonly problems?: Problems;
}

/** The page an invitation or reset link opens: choose a password, then land on "My keys". */
export function welcomePage(frame: Frame, view: WelcomeView): Html {
  const problems = view.problems ?? {};
  const invite = view.purpose === 'invite';
  return page(
    frame,
    invite ? 'Welcome' : 'Choose a new password',
    html`<div class="narrow panel">
  <h1>${invite ? html`Welcome to keyward, ${view.user.username}` : 'Choose a new password'}</h1>
  <p>${
    invite
      ? 'Choose a password for this console. Here you generate and manage your own API keys; nobody else sees them.'
      : html`A new console password for <strong>${view.user.username}</strong>. It signs you out everywhere else.`
  }</p>
  ${notice(problems.form ? { kind: 'error', text: problems.form } : undefined)}
  <form class="stack" method="post" action="/console/welcome">
    <input type="hidden" name="_form" value="${view.formToken}">
    <input type="hidden" name="token" value="${view.token}">
    <input type="hidden" name="username" value="${view.user.username}" autocomplete="username">
    ${field({ name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'new-password', hint: `at least ${MIN_PASSWORD_LENGTH} characters; for this console only, never for the API` }, {}, problems)}
    ${field({ name: 'confirm', label: 'Password again', type: 'password', required: true, autocomplete: 'new-password' }, {}, problems)}
    <button type="submit">Set password and sign in</button>
  </form>
  <p class="muted">This link works once.</p>
</div>`,
  );
}
