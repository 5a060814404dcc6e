import { type Fragment, type Html, html } from '../html.js';

/** What the administrator typed, sent back with the page so a refusal loses nothing. */
export type Values = Readonly<Record<string, string>>;
/** Problems by field name; `form` is for the whole form. */
export type Problems = Readonly<Record<string, string>>;

/** A form sent back to be corrected: what was typed and what was wrong with it. */
export interface FormState {
  readonly values?: Values;
  readonly problems?: Problems;
}

export interface FieldSpec {
  readonly name: string;
  readonly label: string;
  readonly type?: 'text' | 'password' | 'email' | 'search';
  readonly hint?: string;
  readonly required?: boolean;
  readonly maxLength?: number;
  readonly autocomplete?: string;
}

/**
 * One labelled control: the label names it, the hint and the error describe it
 * (aria-describedby), so a screen reader reads "Password" and then "at least 12 characters".
 */
function labelled(
  spec: { readonly name: string; readonly label: string; readonly hint?: string },
  problem: string | undefined,
  control: (attributes: Html) => Html,
): Html {
  const id = `f-${spec.name}`;
  const describedBy = [spec.hint && `${id}-hint`, problem && `${id}-error`].filter(Boolean);
  const attributes = html`id="${id}" name="${spec.name}"${problem ? html` aria-invalid="true"` : ''}${
    describedBy.length > 0 ? html` aria-describedby="${describedBy.join(' ')}"` : ''
  }`;
  return html`<div class="field"><label for="${id}">${spec.label}</label>${
    spec.hint ? html`<span class="hint" id="${id}-hint">${spec.hint}</span>` : ''
  }${control(attributes)}${problem ? html`<span class="field-error" id="${id}-error">${problem}</span>` : ''}</div>`;
}

export function field(spec: FieldSpec, values: Values = {}, problems: Problems = {}): Html {
  // Passwords are never echoed back into the page.
  const value = spec.type === 'password' ? '' : (values[spec.name] ?? '');
  return labelled(
    spec,
    problems[spec.name],
    (attributes) =>
      html`<input ${attributes} type="${spec.type ?? 'text'}" value="${value}"${spec.required ? html` required` : ''}${
        spec.maxLength ? html` maxlength="${spec.maxLength}"` : ''
      }${spec.autocomplete ? html` autocomplete="${spec.autocomplete}"` : ''}>`,
  );
}

export interface Choice {
  readonly value: string;
  readonly label: string;
}

export function select(
  spec: {
    readonly name: string;
    readonly label: string;
    readonly choices: readonly Choice[];
    readonly hint?: string;
  },
  values: Values = {},
  problems: Problems = {},
): Html {
  const chosen = values[spec.name];
  return labelled(
    spec,
    problems[spec.name],
    (attributes) =>
      html`<select ${attributes}>${spec.choices.map(
        (c) =>
          html`<option value="${c.value}"${c.value === chosen ? html` selected` : ''}>${c.label}</option>`,
      )}</select>`,
  );
}

export function checkbox(name: string, label: Fragment, values: Values = {}): Html {
  return html`<label class="check"><input type="checkbox" name="${name}" value="on"${
    values[name] === 'on' ? html` checked` : ''
  }> ${label}</label>`;
}

export function csrf(token: string): Html {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/** A one-button form that POSTs to `action` (enable, disable, …). */
export function actionButton(
  action: string,
  token: string,
  label: Fragment,
  kind: 'secondary' | 'danger' = 'secondary',
): Html {
  return html`<form class="inline" method="post" action="${action}">${csrf(token)}<button class="${kind}" type="submit">${label}</button></form>`;
}
