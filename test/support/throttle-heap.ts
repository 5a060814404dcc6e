// Run by test/domain/throttle-memory.test.ts in its own process, with --expose-gc: fills a
// throttle of `maxKeys` (the first argument) past its bound and prints the heap it holds
// per record, as JSON.

import { FailureThrottle } from '../../src/domain/throttle.js';

const maxKeys = Number(process.argv[2]);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc?.();
  return process.memoryUsage().heapUsed;
}

/** Heap bytes per record held once `count` keys (made by `keyOf`) have failed. */
function bytesPerRecord(maxKeys: number, count: number, keyOf: (i: number) => string) {
  const before = heapUsed();
  const throttle = new FailureThrottle({
    limit: 10,
    windowMs: 600_000,
    baseLockoutMs: 1000,
    maxLockoutMs: 300_000,
    maxKeys,
  });
  for (let i = 0; i < count; i++) throttle.fail(keyOf(i));
  const grown = heapUsed() - before;
  return { records: throttle.size, bytesPerRecord: Math.round(grown / throttle.size) };
}

// Usernames of 60,000 characters, as a sign-in form may send: distinct, and each flat in
// memory (a copy through a Buffer), as a parsed body's are.
const long = 'x'.repeat(60_000 - 8);
const longKeys = bytesPerRecord(2000, 4000, (i) =>
  Buffer.from(`${long}${String(i).padStart(8, '0')}`, 'latin1').toString('latin1'),
);
// The largest key kept as it is: 40 characters, two bytes each.
const fullTable = bytesPerRecord(maxKeys, maxKeys + 20_000, (i) => String(i).padStart(40, '€'));
console.log(JSON.stringify({ longKeys, fullTable }));
