import cluster, { type Worker } from 'node:cluster';
import type { FastifyBaseLogger } from 'fastify';
import type { FailureThrottle } from '../domain/throttle.js';
import { Arbiter, type Peer } from './arbiter.js';
import { isMessage, type ToPrimary, type ToWorker } from './protocol.js';

export interface PrimaryOptions {
  readonly workers: number;
  readonly throttle: FailureThrottle;
  readonly setupToken: string | undefined;
  /** Given to every worker: where the siblings' sockets are (src/cluster/sibling-sockets.ts). */
  readonly workerEnv: Record<string, string>;
  readonly logger: FastifyBaseLogger;
  /** Called once, when the first worker listens. */
  readonly onListening: (address: string) => void;
}

// A worker that dies within this long of its start counts toward the back-off.
const EARLY_DEATH_MS = 10_000;
const MAX_BACKOFF_MS = 30_000;

/**
 * The cluster primary: forks the workers (which share its listening socket, handed out
 * round-robin by node:cluster), replaces any that dies, arbitrates the shared throttle and
 * setup token, and on SIGTERM/SIGINT asks every worker to stop gracefully, then exits.
 */
export function runPrimary(options: PrimaryOptions): { liveWorkers(): number } {
  const { logger } = options;
  const live = new Map<number, Worker>();
  const started = new Map<number, number>();
  const peerOf = (worker: Worker): Peer => ({
    id: worker.id,
    send: (message: ToWorker) => {
      // A worker that is exiting may still look connected; without a callback a failed send
      // is an 'error' event nobody hears, which ends the primary (exit code 1 on a clean stop).
      if (worker.isConnected()) worker.send(message, undefined, () => {});
    },
  });
  const arbiter = new Arbiter(options.throttle, options.setupToken, () =>
    [...live.values()].map(peerOf),
  );
  let listening = false;
  let stopping = false;
  let earlyDeaths = 0;

  const fork = () => {
    const worker = cluster.fork(options.workerEnv);
    started.set(worker.id, Date.now());
    worker.on('error', (error) =>
      logger.debug({ err: error, worker: worker.id }, 'worker channel'),
    );
    worker.on('message', (message: unknown) => {
      if (!isMessage<ToPrimary>(message)) return;
      if (message.t === 'hello') live.set(worker.id, worker);
      if (message.t === 'listening' && !listening) {
        listening = true;
        options.onListening(message.address);
      }
      arbiter.handle(peerOf(worker), message);
    });
  };

  cluster.on('exit', (worker, code, signal) => {
    live.delete(worker.id);
    arbiter.forget(worker.id);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    const lived = Date.now() - (started.get(worker.id) ?? 0);
    started.delete(worker.id);
    earlyDeaths = lived < EARLY_DEATH_MS ? earlyDeaths + 1 : 0;
    const delay = earlyDeaths > 1 ? Math.min(100 * 2 ** earlyDeaths, MAX_BACKOFF_MS) : 0;
    logger.error(
      { worker: worker.id, pid: worker.process.pid, code, signal, restartInMs: delay },
      'a worker died; starting another',
    );
    setTimeout(() => {
      if (!stopping) fork();
    }, delay);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping all workers: finishing requests and writing usage counts');
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(0);
    // Each worker's own SIGTERM handler closes its server and flushes its usage counts.
    for (const worker of workers) worker?.process.kill('SIGTERM');
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));

  for (let i = 0; i < options.workers; i++) fork();
  // Live from its hello (its service is built) until its exit.
  return { liveWorkers: () => live.size };
}
