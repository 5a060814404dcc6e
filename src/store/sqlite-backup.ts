// A consistent copy of a SQLite database that servers keep using: SQLite's online backup API
// (sqlite3_backup_*), through the driver the running Node uses (sqlite-driver.ts explains
// which). Everything is copied in ONE step: it reads one snapshot, which in WAL mode never
// blocks the servers' writes, whereas a copy in many steps restarts whenever another process
// writes between two of them, and the servers write at least once a second under load.
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { DatabaseNotFound } from './open-store.js';
import { BUILT_IN_FROM_NODE, openSqlite } from './sqlite-driver.js';

const require = createRequire(import.meta.url);

export interface BackupResult {
  /** Pages copied (SQLite's page size is 4096 bytes unless configured otherwise). */
  readonly pages: number;
  /** `PRAGMA integrity_check` on the copy: always `ok` (anything else throws BackupCorrupt). */
  readonly integrity: string;
}

/** The target exists and `overwrite` was not given; nothing was written. */
export class BackupTargetExists extends Error {
  constructor(readonly path: string) {
    super(`${path} already exists`);
  }
}

/** The copy failed `PRAGMA integrity_check`; it was not kept. */
export class BackupCorrupt extends Error {
  constructor(readonly report: string) {
    super(`the copy failed PRAGMA integrity_check: ${report}`);
  }
}

/**
 * Copies the database at `source` to `target`, through a temporary file beside the target
 * renamed into place once the copy is whole and checked: a failed or interrupted backup never
 * leaves a half-written file under the target's name, nor replaces an older good one.
 */
export async function backupSqlite(
  source: string,
  target: string,
  { overwrite = false }: { overwrite?: boolean } = {},
): Promise<BackupResult> {
  if (!existsSync(source)) throw new DatabaseNotFound(source);
  if (!overwrite && existsSync(target)) throw new BackupTargetExists(target);
  const partial = join(
    dirname(target),
    `.${basename(target)}.${randomBytes(6).toString('hex')}.partial`,
  );
  try {
    const major = Number(process.versions.node.split('.')[0]);
    const pages =
      major >= BUILT_IN_FROM_NODE
        ? await copyBuiltIn(source, partial)
        : await copyBetterSqlite3(source, partial);
    const integrity = integrityOf(partial);
    if (integrity !== 'ok') throw new BackupCorrupt(integrity);
    if (!overwrite && existsSync(target)) throw new BackupTargetExists(target);
    renameSync(partial, target);
    return { pages, integrity };
  } finally {
    rmSync(partial, { force: true });
  }
}

function copyBetterSqlite3(source: string, target: string): Promise<number> {
  const Database: typeof BetterSqlite3 = require('better-sqlite3');
  const db = new Database(source, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  // The first step only starts the backup; the callback then asks for every page at once.
  return db
    .backup(target, { progress: () => 0x7fffffff })
    .then((progress) => progress.totalPages)
    .finally(() => db.close());
}

interface NodeSqliteBackup {
  DatabaseSync: new (path: string) => { exec(sql: string): void; close(): void };
  backup(
    source: unknown,
    path: string,
    options: { rate: number; progress?: () => void },
  ): Promise<number>;
}

async function copyBuiltIn(source: string, target: string): Promise<number> {
  const sqlite = require('node:sqlite') as NodeSqliteBackup;
  const db = new sqlite.DatabaseSync(source);
  try {
    db.exec('pragma busy_timeout = 5000');
    // node:sqlite takes only a positive rate: the largest int32 is every page in one step.
    return await sqlite.backup(db, target, { rate: 0x7fffffff });
  } finally {
    db.close();
  }
}

function integrityOf(path: string): string {
  const db = openSqlite(path, { mustExist: true });
  try {
    return joined(db.prepare('pragma integrity_check').all([]));
  } finally {
    db.close();
  }
}

function joined(rows: readonly unknown[]): string {
  return rows.map((row) => Object.values(row as Record<string, unknown>).join(' ')).join('; ');
}
