import { parseDuration } from '../domain/expiry.js';
import type { Outcome } from '../domain/records.js';
import type { Choice } from './views/forms.js';

// The expiries the console offers when it makes a key, personal or programmatic: a short
// list rather than free text, in `parseDuration` spellings (src/domain/expiry.ts). The
// server's --max-key-lifetime still caps whatever is chosen.

export const EXPIRY_CHOICES: readonly Choice[] = [
  { value: '', label: 'Never' },
  { value: '7d', label: 'In 7 days' },
  { value: '30d', label: 'In 30 days' },
  { value: '90d', label: 'In 90 days' },
  { value: '365d', label: 'In a year' },
];

export const EXPIRY_HINT = "the server's maximum lifetime, if set, still applies";

export const EXPIRY_REFUSED = 'Choose one of the offered expiries.';

/** The form's `expiresIn`: one of the offered choices (empty: none asked), nothing else. */
export function chosenLifetime(value: string): Outcome<{ expiresInMs?: number }, 'not-offered'> {
  if (value === '') return { ok: true, value: {} };
  const parsed = parseDuration(value);
  if (!parsed.ok || !EXPIRY_CHOICES.some((choice) => choice.value === value)) {
    return { ok: false, error: 'not-offered' };
  }
  return { ok: true, value: { expiresInMs: parsed.value } };
}
