// The console's one way to produce HTML: a tagged template that escapes every interpolated
// value unless it is already Html (the output of another `html` template). Nothing else in
// the console builds markup from strings, so nothing can forget to escape.

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** Markup that is already safe: only `html` makes these. */
export class Html {
  /** @internal */
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

/** What may be interpolated: text (escaped), numbers, markup, lists of those, or nothing. */
export type Fragment = Html | string | number | false | null | undefined | readonly Fragment[];

function render(value: Fragment): string {
  if (value === false || value === null || value === undefined) return '';
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: readonly Fragment[]): Html {
  let markup = strings[0] ?? '';
  values.forEach((value, i) => {
    markup += render(value) + (strings[i + 1] ?? '');
  });
  return new Html(markup);
}
