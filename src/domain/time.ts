import type { Timestamp } from './records.js';

/** Wire timestamps have second precision and no milliseconds: `2018-05-14T14:45:22Z`. */
export function toTimestamp(date: Date = new Date()): Timestamp {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** The later of two wire timestamps; they sort as text because the format is fixed. */
export function latest(a: Timestamp, b: Timestamp | undefined): Timestamp {
  return b === undefined || a > b ? a : b;
}
