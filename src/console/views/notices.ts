import type { Notice } from './layout.js';

// Results of a form, carried across its redirect as a fixed code (never as text from the
// request, so a crafted link cannot put words on the page).
const MESSAGES = {
  'signed-out': 'You are signed out.',
  'session-ended': 'Your session has ended. Sign in again.',
  'password-changed': 'Your password was changed. Sign in with the new one.',
  welcome: 'Welcome. Create users here, then generate their API keys from their pages.',
  'org-created': 'Organization created.',
  'member-added': 'Member added.',
  'member-removed': 'Member removed from the organization; their account and keys stay.',
  'org-deleted': 'Organization deleted; its members keep their accounts and keys.',
  'user-created':
    'User created. Send them the one-time invitation link below: they choose a password and generate their own keys.',
  'user-created-with-password':
    'User created with a console password: they sign in and generate their own keys on "My keys".',
  'key-enabled': 'Key enabled: it authenticates again.',
  'key-disabled': 'Key disabled: requests made with it are refused until it is enabled.',
  'key-deleted': 'Key deleted.',
  'key-renamed': 'Key description saved.',
  'key-roll-full':
    'Not rolled: the user holds the most keys allowed. Delete a key, then roll this one again.',
  'user-deleted': 'User deleted, with their keys.',
  'membership-set': 'Membership saved.',
  'membership-removed': 'Removed from the organization.',
  'global-owner-granted':
    'GLOBAL_OWNER granted: this user may act on every user, here and through the API.',
  'global-owner-revoked': 'GLOBAL_OWNER revoked: this user may act on their own keys only.',
  'password-set': 'Console password set.',
  'profile-saved': 'Profile saved.',
  'link-issued':
    'Link issued; any earlier one no longer works. Send it now: it is shown only once.',
  'user-invited':
    'User created, with an invitation link below: send it to them, so they choose a password and generate their own keys.',
  'password-chosen': 'Your password is set and you are signed in. Generate your API keys here.',
  'api-key-saved': 'API key saved; its new roles apply to its next request.',
  'api-key-deleted': 'API key deleted: it no longer authenticates.',
  'access-entry-added': 'Address added to the access list.',
  'access-entry-removed': 'Address removed from the access list.',
  'own-password-changed': 'Password changed; your other console sessions have ended.',
} as const;

export type NoticeCode = keyof typeof MESSAGES;

export function noticeFor(code: string): Notice | undefined {
  return Object.hasOwn(MESSAGES, code)
    ? { kind: 'success', text: MESSAGES[code as NoticeCode] }
    : undefined;
}

export function withNotice(path: string, code: NoticeCode): string {
  return `${path}${path.includes('?') ? '&' : '?'}notice=${code}`;
}
