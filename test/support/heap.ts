import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap bytes still held per item after `add` ran for items 0..count-1 (collected before and after). */
export async function heapPerItem(
  count: number,
  add: (i: number) => unknown | Promise<unknown>,
): Promise<number> {
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < count; i++) await add(i);
  gc();
  return (process.memoryUsage().heapUsed - before) / count;
}

/** A header-sized string with `value` at offset 7, as a parser would cut it: a slice. */
export function sliceOfLargeHeader(value: string, padding = 4096): string {
  const header = `field="${value}", ${'x'.repeat(padding)}`;
  return header.slice(7, 7 + value.length);
}
