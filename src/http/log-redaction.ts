// The console's setup link carries its one-time token in the query: `/console/setup?token=…`.
const SECRET_PARAMETERS = new Set(['token']);

// A query parameter anywhere in a text: a request URL, an error message quoting one, a
// whole JSON log line. A value ends where a URL or a JSON string would (a backslash starts
// a JSON escape), so the redacted line stays valid JSON.
const PARAMETER = /([?&])([^=&#?\s"'\\]*)=([^&#\s"'\\]+)/g;

export const REDACTED = '[redacted]';

/**
 * The text with the value of every secret query parameter replaced. Names are compared as a
 * query parser decodes them (`%74oken` and `TOKEN` are caught too): over-redacting a guess
 * costs nothing, a real token in a log file would open the console's setup.
 */
export function redactQuerySecrets(text: string): string {
  if (!text.includes('=')) return text;
  return text.replace(PARAMETER, (whole, start: string, name: string) =>
    SECRET_PARAMETERS.has(decodedName(name)) ? `${start}${name}=${REDACTED}` : whole,
  );
}

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return name.toLowerCase();
  }
}
