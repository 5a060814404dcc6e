import cluster from 'node:cluster';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

// Where one host's workers answer each other's replay checks: a folder only this user can
// enter (mkdtemp makes it 0700), made by the primary, named to its workers through the
// environment, removed when the primary exits. A primary killed with -9 leaves it in the
// temporary folder; nothing reads it again.
// On Windows the same server listens on a named pipe instead, named after the folder.
const DIR_VARIABLE = 'KEYWARD_SIBLING_DIR';
// A Unix socket's path must fit in sockaddr_un: 108 bytes on Linux, 104 on macOS.
const MAX_SOCKET_PATH = 100;

/** The primary's: makes the folder; returns the environment its workers are forked with. */
export function siblingSocketsFolder():
  | { readonly ok: true; readonly env: Record<string, string> }
  | { readonly ok: false; readonly problem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  if (socketIn(dir, 99_999).length > MAX_SOCKET_PATH) {
    const problem = `the temporary folder's path is too long for the workers' Unix sockets (${dir}): set TMPDIR to a shorter one, or serve with --workers 1`;
    return { ok: false, problem };
  }
  return { ok: true, env: { [DIR_VARIABLE]: dir } };
}

/** A worker's own socket, in the folder its primary made. */
export function ownSiblingSocket(): string {
  const dir = process.env[DIR_VARIABLE];
  if (!dir || !cluster.worker) throw new Error(`a cluster worker needs ${DIR_VARIABLE}`);
  return socketIn(dir, cluster.worker.id);
}

function socketIn(dir: string, worker: number): string {
  if (process.platform === 'win32') return `\\\\.\\pipe\\${basename(dir)}-${worker}`;
  return join(dir, `${worker}.sock`);
}
