import { randomBytes } from 'node:crypto';
import type { ObjectId } from './records.js';

const OBJECT_ID = /^[0-9a-f]{24}$/;

export function isObjectId(value: string): value is ObjectId {
  return OBJECT_ID.test(value);
}

// ObjectId layout (4-byte seconds, 5 random bytes, 3-byte counter) so ids sort by
// creation time, which is the order lists are paginated in.
const processRandom = randomBytes(5).toString('hex');
let counter = randomBytes(3).readUIntBE(0, 3);

export function newObjectId(now: Date = new Date()): ObjectId {
  counter = (counter + 1) % 0x1000000;
  const seconds = Math.floor(now.getTime() / 1000)
    .toString(16)
    .padStart(8, '0');
  return seconds + processRandom + counter.toString(16).padStart(6, '0');
}
