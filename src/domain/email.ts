// The HTML Living Standard's "valid e-mail address" (what <input type=email> accepts), as
// WHATWG publishes it: a deliberate, well-known simplification of RFC 5322 that refuses
// `carol@@bad` and quoted or commented forms nobody types into a form. Kept as the spec
// writes it so it can be compared line for line.
const WHATWG_EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** Whether `address` is what a browser's email field would accept; the console and CLI both ask here. */
export function isEmailAddress(address: string): boolean {
  return WHATWG_EMAIL.test(address);
}
