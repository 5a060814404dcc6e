// One arm's load against its target, from the arm's generator. Preparing (for wrk: asking
// for nonces and hashing every header) happens before `run`, outside the measured time
// and outside the CPU counted for the run.

import type { Arm } from './arms.js';
import { runLoad } from './load/digest-autocannon.js';
import { type PreparedLoad, prepareWrk } from './load/wrk.js';

export interface LoadPlace {
  readonly origin: string;
  readonly connections: number;
  readonly seconds: number;
  /** A scratch folder for wrk's header lines. */
  readonly dir: string;
  readonly wrkThreads: number;
  readonly wrkMaxRps: number;
  /** A fixed total offered rate for wrk (req/s), or undefined: as fast as it goes. */
  readonly wrkRate?: number;
}

export async function prepareLoad(arm: Arm, place: LoadPlace): Promise<PreparedLoad> {
  const sized = {
    origin: place.origin,
    connections: arm.connections ?? place.connections,
    durationSeconds: place.seconds,
  };
  if (arm.generator === 'wrk') {
    return prepareWrk({
      ...arm.load,
      ...sized,
      threads: place.wrkThreads,
      maxRps: place.wrkMaxRps,
      // Each connection's wait, so that all of them together offer wrkRate.
      paceMs: place.wrkRate ? (sized.connections * 1000) / place.wrkRate : 0,
      dir: place.dir,
    });
  }
  return { run: () => runLoad({ ...arm.load, ...sized }) };
}
