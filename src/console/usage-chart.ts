import type { ObjectId } from '../domain/records.js';
import type { DailyUsage } from '../store/store.js';
import { type Html, html } from './html.js';
import { count } from './views/format.js';

export const CHART_DAYS = 30;
const DAY_MS = 86_400_000;

/** The last `n` UTC days ending with the day of `now`, oldest first, as `YYYY-MM-DD`. */
export function lastDays(now: Date, n = CHART_DAYS): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: n }, (_, i) =>
    new Date(today - (n - 1 - i) * DAY_MS).toISOString().slice(0, 10),
  );
}

/** Each key's requests per day over `days` (zeros where nothing was recorded). */
export function perDay(
  rows: readonly DailyUsage[],
  keyIds: readonly ObjectId[],
  days: readonly string[],
): Map<ObjectId, number[]> {
  const index = new Map(days.map((day, i) => [day, i]));
  const series = new Map(keyIds.map((id) => [id, days.map(() => 0)]));
  for (const row of rows) {
    const i = index.get(row.day);
    const counts = series.get(row.keyId);
    if (i !== undefined && counts) counts[i] = (counts[i] ?? 0) + row.count;
  }
  return series;
}

const WIDTH = 120;
const HEIGHT = 28;

/**
 * Requests per day as a bar sparkline in inline SVG: no script, no image request, colours
 * from the stylesheet. Screen readers get the total and the busiest day instead. Quiet days
 * share one baseline rather than a bar each: most keys are idle most days, and a page of
 * 100 keys would otherwise carry 3,000 elements.
 */
export function sparkline(days: readonly string[], counts: readonly number[]): Html {
  const total = counts.reduce((a, b) => a + b, 0);
  const max = Math.max(0, ...counts);
  const peak = counts.indexOf(max);
  const label =
    total === 0
      ? `No requests in the last ${days.length} days`
      : `${count(total)} requests in the last ${days.length} days; busiest ${days[peak]} with ${count(max)}`;
  const slot = WIDTH / Math.max(1, counts.length);
  const bars = counts.map((n, i) => {
    if (n === 0) return '';
    const height = Math.max(2, Math.round((n / max) * (HEIGHT - 2)));
    return html`<rect x="${(i * slot).toFixed(1)}" y="${HEIGHT - height}" width="${(slot - 1).toFixed(1)}" height="${height}"><title>${days[i]}: ${count(n)}</title></rect>`;
  });
  return html`<svg class="spark" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${label}" data-total="${total}"><line x1="0" y1="${HEIGHT - 0.5}" x2="${WIDTH}" y2="${HEIGHT - 0.5}"/>${bars}</svg>`;
}
