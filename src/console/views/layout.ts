import { mayAdminister, ownedOrgIds } from '../../domain/access.js';
import type { UserRecord } from '../../domain/records.js';
import type { ConsoleAssets } from '../assets.js';
import { type Fragment, type Html, html } from '../html.js';

export type Section = 'users' | 'orgs' | 'org-members' | 'keys' | 'activity' | 'profile';

/** What every page's frame needs beyond its own content. */
export interface Frame {
  readonly assets: ConsoleAssets;
  /** The signed-in administrator; absent on the sign-in and setup pages. */
  readonly user?: UserRecord;
  readonly csrfToken?: string;
  readonly section?: Section;
  /** The result of the form that led here (success), or why the page was refused (error). */
  readonly notice?: Notice;
}

export interface Notice {
  readonly kind: 'success' | 'error';
  readonly text: Fragment;
}

export function notice(n: Notice | undefined): Html {
  if (!n) return html``;
  // role=alert reads errors out at once; status waits its turn.
  return html`<div class="notice ${n.kind}" role="${n.kind === 'error' ? 'alert' : 'status'}">${
    n.kind === 'error' ? html`<strong>Error:</strong> ` : ''
  }${n.text}</div>`;
}

function navigation(frame: Frame): Html {
  if (!frame.user || !frame.csrfToken) return html``;
  const link = (section: Section, label: string) =>
    html`<a href="/console/${section}"${frame.section === section ? html` aria-current="page"` : ''}>${label}</a>`;
  // Only what this user may open: the admin pages for GLOBAL_OWNERs, orgs for their owners.
  const admin = mayAdminister(frame.user);
  const links = [
    admin ? link('users', 'Users') : '',
    admin ? link('orgs', 'Organizations') : '',
    !admin && ownedOrgIds(frame.user).length > 0 ? link('org-members', 'My organizations') : '',
    link('keys', 'My keys'),
    link('activity', 'Activity'),
  ];
  return html`<nav aria-label="Main">${links}</nav>
    <div class="who"><a href="/console/profile"${frame.section === 'profile' ? html` aria-current="page"` : ''}>${frame.user.username}</a>
      <form class="inline" method="post" action="/console/sign-out">
        <input type="hidden" name="_csrf" value="${frame.csrfToken}">
        <button class="link" type="submit">Sign out</button>
      </form></div>`;
}

export function page(frame: Frame, title: string, content: Fragment): Html {
  const { stylesheet, script, icon } = frame.assets;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · keyward</title>
<link rel="icon" href="/console/static/${icon.name}" type="image/svg+xml">
<link rel="stylesheet" href="/console/static/${stylesheet.name}">
<script src="/console/static/${script.name}" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top"><a class="brand" href="/console">keyward</a>${navigation(frame)}</header>
<main id="main" tabindex="-1">
${notice(frame.notice)}
${content}
</main>
</body>
</html>
`;
}
