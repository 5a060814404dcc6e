import type { Timestamp } from './records.js';

/** Wire timestamps have second precision and no milliseconds: `2018-05-14T14:45:22Z`. */
export function toTimestamp(date: Date = new Date()): Timestamp {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** The later of two wire timestamps; they sort as text because the format is fixed. */
export function latest(a: Timestamp, b: Timestamp | undefined): Timestamp {
  return b === undefined || a > b ? a : b;
}

let cachedSecond = Number.NaN;
let cachedTimestamp: Timestamp = '';

/** `toTimestamp()` for the current second, formatted once per second (hot path). */
export function currentTimestamp(): Timestamp {
  const second = Math.floor(Date.now() / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedTimestamp = toTimestamp(new Date(second * 1000));
  }
  return cachedTimestamp;
}
