// Strings cut from a request (a username, a nonce) are V8 slices of the whole header, and a
// slice keeps its parent alive. Anything held past the request (a cache key, a replay-window
// entry) would retain an Authorization header of up to 8 KiB each; these copies hold only
// their own characters. Made once per entry, never per request.

/** A flat copy of `s`, holding no parent string. */
export function ownCopy(s: string): string {
  // Latin-1 round trips every string of one-byte characters, which is what these are; any
  // other string is copied through UTF-16.
  const copy = Buffer.from(s, 'latin1').toString('latin1');
  return copy === s ? copy : Buffer.from(s, 'utf16le').toString('utf16le');
}
