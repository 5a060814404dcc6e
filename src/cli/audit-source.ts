import { userInfo } from 'node:os';
import type { AuditSource } from '../domain/audit.js';

/** The OS account running the CLI: the one identity a local command has. */
export function cliSource(): AuditSource {
  return { actor: { kind: 'cli', osUser: osUser() }, origin: { channel: 'cli' } };
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    // A container's uid may have no passwd entry, where userInfo() throws.
    return `uid ${process.getuid?.() ?? 'unknown'}`;
  }
}
