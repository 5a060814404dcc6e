import { MIN_PASSWORD_LENGTH } from '../../domain/passwords.js';
import { type Html, html } from '../html.js';
import { field, type Problems, type Values } from './forms.js';
import { type Frame, notice, page } from './layout.js';

export interface SignInView {
  readonly formToken: string;
  readonly next: string;
  readonly values?: Values;
}

export function signInPage(frame: Frame, view: SignInView): Html {
  return page(
    frame,
    'Sign in',
    html`<div class="narrow panel">
  <h1>Sign in to keyward</h1>
  <form class="stack" method="post" action="/console/sign-in">
    <input type="hidden" name="_form" value="${view.formToken}">
    <input type="hidden" name="next" value="${view.next}">
    ${field({ name: 'username', label: 'Username', required: true, autocomplete: 'username' }, view.values)}
    ${field({ name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'current-password' })}
    <button type="submit">Sign in</button>
  </form>
  <p class="muted">No password yet? Ask an administrator for an invitation link
  (<code>keyward users invite</code>).</p>
</div>`,
  );
}

export interface SetupView {
  readonly formToken: string;
  readonly setupToken: string;
  readonly values?: Values;
  readonly problems?: Problems;
}

export function setupPage(frame: Frame, view: SetupView): Html {
  const problems = view.problems ?? {};
  return page(
    frame,
    'Setup',
    html`<div class="narrow panel">
  <h1>Create the first administrator</h1>
  <p>This account signs in to the console and may manage every user and key. It is a
  GLOBAL_OWNER; its password is for the console only, never for the API.</p>
  ${notice(problems.form ? { kind: 'error', text: problems.form } : undefined)}
  <form class="stack" method="post" action="/console/setup">
    <input type="hidden" name="_form" value="${view.formToken}">
    <input type="hidden" name="token" value="${view.setupToken}">
    ${field({ name: 'username', label: 'Username', required: true, autocomplete: 'username', maxLength: 256 }, view.values, problems)}
    ${field({ name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'new-password', hint: `at least ${MIN_PASSWORD_LENGTH} characters` }, {}, problems)}
    ${field({ name: 'confirm', label: 'Password again', type: 'password', required: true, autocomplete: 'new-password' }, {}, problems)}
    <button type="submit">Create and sign in</button>
  </form>
</div>`,
  );
}
