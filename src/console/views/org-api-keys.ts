import { obfuscateKey } from '../../domain/keys.js';
import { MAX_API_KEY_DESC_LENGTH } from '../../domain/org-api-keys.js';
import { ORG_ROLES, type OrgApiKeyRecord, type OrgRecord } from '../../domain/records.js';
import { type Html, html } from '../html.js';
import { EXPIRY_CHOICES, EXPIRY_HINT } from '../key-lifetime.js';
import { count, when } from './format.js';
import { csrf, type FormState, field, select, type Values } from './forms.js';
import { notice, page, type Section } from './layout.js';
import { type PagerState, pagedList } from './pager.js';
import type { SignedInFrame } from './user.js';

/** Where an org's keys pages sit: its menu entry, and the org page they go back to. */
export interface OrgPlace {
  readonly org: OrgRecord;
  readonly section: Section;
  readonly back: string;
}

export interface ApiKeysView extends FormState, OrgPlace {
  readonly keys: readonly OrgApiKeyRecord[];
  readonly pager: PagerState;
}

const keysPath = (org: OrgRecord) => `/console/orgs/${org.id}/api-keys`;

/**
 * The roles as checkboxes; a refused form keeps its ticks, which travel in `values.roles`
 * as one space-separated string (form values are single strings).
 */
export function roleBoxes(values: Values = {}, problem?: string): Html {
  const ticked = new Set((values.roles ?? '').split(' '));
  const boxes = ORG_ROLES.map(
    (role) =>
      html`<label class="check"><input type="checkbox" name="roles" value="${role}"${ticked.has(role) ? html` checked` : ''}> ${role}</label>`,
  );
  return html`<fieldset class="field" id="f-roles"${problem ? html` aria-describedby="f-roles-error"` : ''}>
  <legend>Roles in the organization</legend>${boxes}${
    problem ? html`<span class="field-error" id="f-roles-error">${problem}</span>` : ''
  }</fieldset>`;
}

export const descField = (form: FormState) =>
  field(
    { name: 'desc', label: 'Description', required: true, maxLength: MAX_API_KEY_DESC_LENGTH },
    form.values,
    form.problems,
  );

function keysTable(view: ApiKeysView): Html {
  const rows = view.keys.map(
    (
      key,
    ) => html`<tr><td class="title"><a href="${keysPath(view.org)}/${key.id}">${key.description}</a></td>
  <td data-label="Public key"><code>${key.publicKey}</code></td>
  <td data-label="Private key"><code class="key">${obfuscateKey(key.suffix)}</code></td>
  <td data-label="Roles">${key.roles.join(', ')}</td>
  <td data-label="Last used">${when(key.lastUsed)}</td>
  <td data-label="Expires">${when(key.expiresAt)}</td>
  <td class="num" data-label="Requests">${count(key.usedCount)}</td></tr>`,
  );
  return html`<div class="table-scroll"><table id="api-keys" class="cards">
  <thead><tr><th scope="col">Description</th><th scope="col">Public key</th><th scope="col">Private key</th>
  <th scope="col">Roles</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col" class="num">Requests</th></tr></thead>
  <tbody>${rows}</tbody></table></div>`;
}

/** An org's programmatic keys, paged, and the form that creates one. */
export function apiKeysPage(frame: SignedInFrame, view: ApiKeysView): Html {
  const { org } = view;
  const problems = view.problems ?? {};
  return page(
    { ...frame, section: view.section },
    `API keys of ${org.name}`,
    html`<p><a href="${view.back}">← ${org.name}</a></p>
<h1>API keys of ${org.name}</h1>
<p class="muted">Programmatic API keys act for the organization with the roles given here:
the public key is the HTTP Digest username, the private key its password.</p>
${notice(problems.form ? { kind: 'error', text: problems.form } : undefined)}
<section class="panel" aria-labelledby="create-api-key">
  <h2 id="create-api-key">Create an API key</h2>
  <form class="grid-form" method="post" action="${keysPath(org)}">${csrf(frame.csrfToken)}
    ${descField(view)}
    ${roleBoxes(view.values ?? { roles: 'ORG_MEMBER' }, problems.roles)}
    ${select({ name: 'expiresIn', label: 'Expires', choices: EXPIRY_CHOICES, hint: EXPIRY_HINT }, view.values, problems)}
    <div><button type="submit">Create API key</button></div>
  </form>
</section>
${pagedList(
  view.pager,
  view.keys.length,
  () => keysTable(view),
  html`<p class="muted">No API keys yet.</p>`,
)}`,
  );
}
