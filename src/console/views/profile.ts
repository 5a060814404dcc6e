import { MIN_PASSWORD_LENGTH } from '../../domain/passwords.js';
import { MAX_PROFILE_LENGTH, PROFILE_FIELDS } from '../../domain/users.js';
import { type Html, html } from '../html.js';
import { when } from './format.js';
import { csrf, type FormState, field } from './forms.js';
import { page } from './layout.js';
import type { SignedInFrame } from './user.js';

/** The signed-in user's own account: name, email, and console password. */
export function profilePage(frame: SignedInFrame, form: FormState = {}): Html {
  const user = frame.user;
  if (!user) throw new Error('the profile page needs a signed-in user');
  const problems = form.problems ?? {};
  const refused = PROFILE_FIELDS.some((name) => problems[name]);
  const current = refused
    ? form.values
    : { firstName: user.firstName, lastName: user.lastName, emailAddress: user.emailAddress };
  return page(
    { ...frame, section: 'profile' },
    'Profile',
    html`<h1>Profile</h1>
<dl class="facts panel">
  <dt>Username</dt><dd><code>${user.username}</code></dd>
  <dt>Created</dt><dd>${when(user.createdAt)}</dd>
</dl>
<h2>Name and email</h2>
<form class="grid-form panel" method="post" action="/console/profile">${csrf(frame.csrfToken)}
  ${field({ name: 'firstName', label: 'First name', maxLength: MAX_PROFILE_LENGTH, autocomplete: 'given-name' }, current, problems)}
  ${field({ name: 'lastName', label: 'Last name', maxLength: MAX_PROFILE_LENGTH, autocomplete: 'family-name' }, current, problems)}
  ${field({ name: 'emailAddress', label: 'Email', type: 'email', maxLength: MAX_PROFILE_LENGTH, autocomplete: 'email' }, current, problems)}
  <div><button type="submit">Save</button></div>
</form>
<h2>Console password</h2>
<form class="grid-form panel" method="post" action="/console/profile/password">${csrf(frame.csrfToken)}
  ${field({ name: 'current', label: 'Current password', type: 'password', required: true, autocomplete: 'current-password' }, {}, problems)}
  ${field({ name: 'password', label: 'New password', type: 'password', required: true, autocomplete: 'new-password', hint: `at least ${MIN_PASSWORD_LENGTH} characters; signs you out of your other sessions` }, {}, problems)}
  ${field({ name: 'confirm', label: 'New password again', type: 'password', required: true, autocomplete: 'new-password' }, {}, problems)}
  <div><button type="submit">Change password</button></div>
</form>`,
  );
}
