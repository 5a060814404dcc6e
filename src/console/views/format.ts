import { type Html, html } from '../html.js';

/** `2026-11-25T10:04:05Z` → a <time> reading `2026-11-25 10:04 UTC`. */
export function when(timestamp: string | undefined): Html {
  if (!timestamp) return html`<span class="muted">never</span>`;
  return html`<time datetime="${timestamp}">${timestamp.slice(0, 10)} ${timestamp.slice(11, 16)} UTC</time>`;
}

const NUMBER = new Intl.NumberFormat('en-US');

export function count(n: number): string {
  return NUMBER.format(n);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** A domain message (`the name must not be blank`) as a form's sentence: `The name must not be blank.` */
export function sentence(message: string): string {
  return `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;
}
