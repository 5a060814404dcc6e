import cluster from 'node:cluster';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Where one host's workers answer each other's replay checks: a folder only this user can
// enter (mkdtemp makes it 0700), made by the primary, named to its workers through the
// environment, removed when the primary exits. A primary killed with -9 leaves it in the
// temporary folder; nothing reads it again.
const DIR_VARIABLE = 'KEYWARD_SIBLING_DIR';

/** The primary's: makes the folder; returns the environment its workers are forked with. */
export function siblingSocketsFolder(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return { [DIR_VARIABLE]: dir };
}

/** A worker's own socket, in the folder its primary made. */
export function ownSiblingSocket(): string {
  const dir = process.env[DIR_VARIABLE];
  if (!dir || !cluster.worker) throw new Error(`a cluster worker needs ${DIR_VARIABLE}`);
  return join(dir, `${cluster.worker.id}.sock`);
}
