import type { UserRecord } from '../../domain/records.js';
import { type Html, html } from '../html.js';
import { DEFAULT_LINK_HOURS } from '../links.js';
import { csrf } from './forms.js';
import type { SignedInFrame } from './user.js';

/** A link just issued, shown once to the administrator who issued it. */
export interface IssuedLinkView {
  readonly url: string;
}

export function linkPanel(link: IssuedLinkView, user: UserRecord): Html {
  return html`<section class="reveal" aria-labelledby="new-link-title" id="new-link-panel" tabindex="-1">
  <h2 id="new-link-title">Link for ${user.username}: send it now</h2>
  <p><strong>This is the only time the link is shown.</strong> Send it to ${user.username} by a
  channel you trust. It works once: it lets them choose a console password and sign in to
  manage their own keys. Issuing another link revokes this one.</p>
  <div class="key-row"><code id="new-link">${link.url}</code>
    <button class="secondary" type="button" data-copy="new-link" hidden>Copy</button>
    <span id="new-link-status" role="status"></span></div>
</section>`;
}

/**
 * How the user gets into the console without anyone handing over a secret: an invitation
 * (no password yet) or a reset link, both one-time and expiring.
 */
export function consoleAccess(
  frame: SignedInFrame,
  view: {
    readonly user: UserRecord;
    readonly hasPassword: boolean;
  },
): Html {
  const { user, hasPassword } = view;
  const what = hasPassword ? 'Password reset link' : 'Invitation link';
  return html`<h2>Console access</h2>
<div class="panel" id="console-access">
  <p>${
    hasPassword
      ? `${user.username} has a console password. A reset link lets them choose a new one; their current password keeps working until they do.`
      : `${user.username} cannot sign in yet. An invitation link lets them choose a password and manage their own keys.`
  }</p>
  <form class="inline" method="post" action="/console/users/${user.id}/link">${csrf(frame.csrfToken)}
    <button type="submit">${hasPassword ? 'Issue a password reset link' : 'Issue an invitation link'}</button></form>
  <span class="muted small">${what}s work once and expire after ${DEFAULT_LINK_HOURS} hours.</span>
</div>`;
}
