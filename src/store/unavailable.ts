// Which store failures mean "the database cannot be reached or is busy now" rather than a
// fault in keyward: the HTTP layer answers those 503 (retry later), not 500. The codes are
// the drivers' own; nothing here inspects SQL.

// The socket-level failures of a connection to PostgreSQL (node's system error codes).
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// SQLSTATEs of a server that is going away or full: class 08 (connection exception),
// 57P01–57P03 (shut down, crash recovery, cannot connect now), 53300 (too many connections).
const POSTGRES_STATES = /^(08...|57P0[1-3]|53300)$/;

// node-postgres reports a lost or never-made connection by message alone.
const POSTGRES_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout)/;

export function isStoreUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = 'code' in error ? error.code : undefined;
  if (typeof code === 'string') {
    // SQLite's lock held by another process past busy_timeout (the CLI in a long write).
    if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_')) return true;
    if (NETWORK_CODES.has(code) || POSTGRES_STATES.test(code)) return true;
  }
  const message = 'message' in error ? error.message : undefined;
  return typeof message === 'string' && POSTGRES_MESSAGES.test(message);
}
