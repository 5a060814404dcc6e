// Character classes and the RFC 8187 ext-value decoder used by the Authorization parser.
// Lookup tables instead of regexes: the parser runs on every request and walks the header
// once, char code by char code.

/** tchar (RFC 9110 §5.6.2): the characters of a token. */
export const TCHAR: Uint8Array = table("!#$%&'*+-.^_`|~", true);

/** attr-char (RFC 8187 §3.2.1): what may appear unencoded in an ext-value. */
const ATTR_CHAR: Uint8Array = table('!#$&+-.^_`|~', true);

function table(symbols: string, alnum: boolean): Uint8Array {
  const t = new Uint8Array(128);
  for (const c of symbols) t[c.charCodeAt(0)] = 1;
  if (alnum) {
    for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
    for (let c = 0x41; c <= 0x5a; c++) t[c] = 1;
    for (let c = 0x61; c <= 0x7a; c++) t[c] = 1;
  }
  return t;
}

export function isTchar(code: number): boolean {
  return code < 128 && TCHAR[code] === 1;
}

export function isHexDigit(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x46) ||
    (code >= 0x61 && code <= 0x66)
  );
}

/** Every char is a hex digit and there is at least one. */
export function isHex(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) if (!isHexDigit(value.charCodeAt(i))) return false;
  return true;
}

// fatal: an invalid byte sequence is an error, not a silent U+FFFD that could alias
// another username.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Node hands header values over as latin1 (one char per octet). A client that sends a raw
 * UTF-8 username in a quoted-string (curl does) therefore arrives as mojibake; reinterpret
 * the octets as UTF-8. Undefined when the octets are not valid UTF-8 or a char is not an
 * octet at all.
 */
export function octetsAsUtf8(value: string): string | undefined {
  let ascii = true;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code > 0xff) return undefined;
    if (code >= 0x80) ascii = false;
  }
  if (ascii) return value;
  try {
    return UTF8.decode(Buffer.from(value, 'latin1'));
  } catch {
    return undefined;
  }
}

/**
 * RFC 8187 ext-value `charset "'" [ language ] "'" value-chars`, charset UTF-8 only
 * (RFC 7616 §4 fixes UTF-8 for username*). Undefined when it is not a valid ext-value.
 */
export function decodeExtValue(value: string): string | undefined {
  const first = value.indexOf("'");
  if (first < 0) return undefined;
  const second = value.indexOf("'", first + 1);
  if (second < 0) return undefined;
  if (value.slice(0, first).toLowerCase() !== 'utf-8') return undefined;
  // The language tag is informational; allow only its alphabet (ALPHA, DIGIT, "-").
  for (let i = first + 1; i < second; i++) {
    const code = value.charCodeAt(i);
    if (code !== 0x2d && !isAlnum(code)) return undefined;
  }
  const bytes: number[] = [];
  for (let i = second + 1; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x25) {
      const hi = value.charCodeAt(i + 1);
      const lo = value.charCodeAt(i + 2);
      if (!isHexDigit(hi) || !isHexDigit(lo)) return undefined;
      bytes.push(Number.parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (code < 128 && ATTR_CHAR[code] === 1) {
      bytes.push(code);
    } else {
      return undefined;
    }
  }
  try {
    return UTF8.decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

function isAlnum(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a)
  );
}
