import { AUDIT_ACTIONS, type AuditEvent } from '../../domain/audit.js';
import { actorText, originText, targetText } from '../../domain/audit-text.js';
import { type Html, html } from '../html.js';
import { count, when } from './format.js';
import { field, select } from './forms.js';
import { type Frame, page } from './layout.js';
import { type PagerState, pagedList } from './pager.js';

export interface ActivityView {
  readonly events: readonly AuditEvent[];
  /** A GLOBAL_OWNER sees everyone's and may filter by user; anyone else, their own. */
  readonly everyone: boolean;
  readonly filter: { readonly user: string; readonly action: string };
  readonly pager: PagerState;
}

const actionChoices = [
  { value: '', label: 'Any action' },
  ...AUDIT_ACTIONS.map((action) => ({ value: action, label: action })),
];

function eventsTable(events: readonly AuditEvent[]): Html {
  const rows = events.map(
    (e) =>
      html`<tr data-event-id="${e.id}"><td data-label="When">${when(e.at)}</td><td data-label="Who">${actorText(e.actor)}</td><td data-label="From">${originText(e.origin)}</td><td data-label="Action"><code>${e.action}</code></td><td data-label="Targets">${targetText(e)}</td><td data-label="Outcome">${e.outcome}</td></tr>`,
  );
  return html`<div class="table-scroll"><table id="activity" class="cards">
  <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">From</th><th scope="col">Action</th><th scope="col">Targets</th><th scope="col">Outcome</th></tr></thead>
  <tbody>${rows}</tbody></table></div>`;
}

export function activityPage(frame: Frame, view: ActivityView): Html {
  const user = view.everyone
    ? field(
        { name: 'user', label: 'User', type: 'search', hint: 'username or id, as actor or target' },
        { user: view.filter.user },
      )
    : '';
  return page(
    { ...frame, section: 'activity' },
    'Activity',
    html`<h1>Activity</h1>
<p class="muted">${view.everyone ? 'Every change, newest first.' : 'Changes by you or to your account, newest first.'}</p>
<form class="grid-form panel" method="get" action="/console/activity" role="search">
  ${user}
  ${select({ name: 'action', label: 'Action', choices: actionChoices }, { action: view.filter.action })}
  <div><button class="secondary" type="submit">Filter</button></div>
</form>
<p class="muted">${count(view.pager.total)} events</p>
${pagedList(
  view.pager,
  view.events.length,
  () => eventsTable(view.events),
  html`<p class="muted">No activity.</p>`,
)}`,
  );
}
