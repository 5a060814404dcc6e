// SQLite copies the WAL into the database file, with an fsync of each, inside whichever
// commit takes the WAL past 1,000 pages: a write that stalls the event loop 26–43 ms here
// (bench/background-cost.ts; the parts of a usage flush that took longer than 5 ms were all
// of them). A server does it elsewhere: its own connection never checkpoints
// (wal_autocheckpoint = 0), and a worker thread with a connection of its own runs a PASSIVE
// checkpoint every second, which neither waits for nor blocks the writer and readers.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { SqliteConnection } from './sqlite-driver.js';

export const CHECKPOINT_EVERY_MS = 1000;

// CommonJS run by the worker (eval: true), so it needs no file of its own in dist/ and runs
// the same under tsx and vitest. It opens the driver the serving connection uses.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { path, driver, modulePath, everyMs } = workerData;
const db = driver === 'node:sqlite'
  ? new (require('node:sqlite').DatabaseSync)(path)
  : new (require(modulePath))(path);
const timer = setInterval(() => {
  try {
    db.exec('pragma wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ failed: String(error && error.message) });
  }
}, everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Closes the worker's connection; settles once the thread has ended (idempotent). */
  stop(): Promise<void>;
}

/**
 * Moves `connection`'s checkpoints to a worker thread. If the worker cannot run or fails,
 * the connection checkpoints itself again (as SQLite does by default), so the WAL never
 * grows without bound.
 */
export function checkpointInWorker(
  connection: SqliteConnection,
  path: string,
  everyMs = CHECKPOINT_EVERY_MS,
): Checkpointer {
  const modulePath =
    connection.driver === 'better-sqlite3'
      ? createRequire(import.meta.url).resolve('better-sqlite3')
      : undefined;
  let stopping: Promise<void> | undefined;
  const fallBack = () => {
    if (!stopping) connection.exec('pragma wal_autocheckpoint = 1000');
  };
  connection.exec('pragma wal_autocheckpoint = 0');
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { path, driver: connection.driver, modulePath, everyMs },
  });
  worker.on('message', fallBack);
  worker.on('error', fallBack);
  worker.on('exit', fallBack);
  // After the listeners, which would hold the process open again: a process that ends
  // without closing its store is not kept alive by its checkpointer.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    // Waited for by the store's close: the last connection to close removes the WAL files,
    // which must be gone before anyone deletes the folder.
    stop() {
      if (!stopping) {
        worker.postMessage('stop');
        const timeout = setTimeout(() => void worker.terminate(), 5000);
        stopping = exited.finally(() => clearTimeout(timeout));
      }
      return stopping;
    },
  };
}
