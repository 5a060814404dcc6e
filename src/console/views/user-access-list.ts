import type { UserRecord } from '../../domain/records.js';
import { type Html, html } from '../html.js';
import { type AccessListView, accessListSection } from './access-list.js';
import { page } from './layout.js';
import type { SignedInFrame } from './user.js';

export interface UserAccessListView {
  readonly user: UserRecord;
  /** Where the user's keys are managed: "My keys", or an administrator's user page. */
  readonly keysPage: string;
  readonly accessList: AccessListView;
}

/** The addresses a user's personal keys may be used from. */
export function userAccessListPage(frame: SignedInFrame, view: UserAccessListView): Html {
  const own = frame.user?.id === view.user.id;
  const whose = own ? 'your' : `${view.user.username}’s`;
  return page(
    { ...frame, section: own ? 'keys' : 'users' },
    `Access list of ${view.user.username}`,
    html`<p><a href="${view.keysPage}">← ${own ? 'My keys' : view.user.username}</a></p>
<h1>Access list${own ? '' : html` of ${view.user.username}`}</h1>
${accessListSection(frame.csrfToken, view.accessList, html`The addresses ${whose} personal API keys may be used from.`)}`,
  );
}
