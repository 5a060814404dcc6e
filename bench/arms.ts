// What a scenario is made of: arms (one load, from one generator, against one server) and
// the groups that start the servers they share; plus the helpers every group uses.

import type { ScenarioId } from './config.js';
import type { SeededUser } from './keyward.js';
import type { LoadSpec } from './load/digest-autocannon.js';
import { fetchWithDigest } from './load/fetch-once.js';
import type { WrkSpec } from './load/wrk.js';
import type { Target } from './proc.js';

// 'keyward' runs with the default flags (and BENCH_KEYWARD_ARGS); the wrk group (scenario-g.ts)
// adds `--workers 1` and `--workers 2` on the same database, for issue 10's scale targets.
// With BENCH_BASE_BIN, 'keyward-base' is another build, `--workers 1`, to judge a change by.
// Several instances behind a balancer with Redis would be one more kind.
export type ServerKind =
  | 'keyward'
  | 'keyward-w1'
  | 'keyward-w2'
  | 'keyward-base'
  | 'apache'
  | 'bare';

interface ArmBase {
  readonly scenario: ScenarioId;
  /** a, b, c, d p1, d p200, e, f, g, g sha256; "1c" marks a one-connection arm */
  readonly label: string;
  readonly server: ServerKind;
  /** Overrides BENCH_CONNECTIONS (a latency measured without queueing). */
  readonly connections?: number;
}

/** Autocannon, hashing per request in the generator (all three Digest modes). */
export interface AutocannonArm extends ArmBase {
  readonly generator?: 'autocannon';
  readonly load: Omit<LoadSpec, 'origin' | 'connections' | 'durationSeconds'>;
}

/** wrk with precomputed headers (no auth, or nonce reuse). */
export interface WrkArm extends ArmBase {
  readonly generator: 'wrk';
  readonly load: Pick<
    WrkSpec,
    'method' | 'path' | 'body' | 'mode' | 'credential' | 'algorithm' | 'expectStatus'
  >;
}

export type Arm = AutocannonArm | WrkArm;

export interface GroupContext {
  readonly dir: string;
  readonly selected: ReadonlySet<ScenarioId>;
  readonly apache: boolean;
  readonly connections: number;
  readonly keywardArgs: readonly string[];
  readonly keywardNodeArgs: readonly string[];
  readonly baseBin?: string;
  /** The base build's `--workers` (BENCH_BASE_WORKERS). */
  readonly baseWorkers: string;
}

export interface StartedGroup {
  readonly targets: Partial<Record<ServerKind, Target>>;
  readonly arms: readonly Arm[];
}

export interface Group {
  readonly name: string;
  readonly scenarios: readonly ScenarioId[];
  start(ctx: GroupContext): Promise<StartedGroup>;
}

const API = '/api/atlas/v1.0';
export const keysPath = (user: SeededUser, query = '') => `${API}/users/${user.id}/keys${query}`;

/** keyward's answer for a request, checked, to be served again by the baselines. */
export async function answer(
  keyward: Target,
  method: 'GET' | 'POST',
  path: string,
  user: SeededUser,
  status: number,
  body?: string,
): Promise<Buffer> {
  const fetched = await fetchWithDigest(keyward.origin, method, path, user, body);
  if (fetched.status !== status) {
    throw new Error(
      `${method} ${path} answered ${fetched.status}: ${fetched.body.toString().slice(0, 300)}`,
    );
  }
  return fetched.body;
}

/** Only the arms of chosen scenarios, and only the baselines those arms need. */
export async function withBaselines(
  ctx: GroupContext,
  keyward: Target,
  arms: readonly Arm[],
  apache: () => Promise<Target>,
  bare: () => Promise<Target>,
): Promise<StartedGroup> {
  const chosen = arms.filter(
    (arm) => ctx.selected.has(arm.scenario) && (ctx.apache || arm.server !== 'apache'),
  );
  const targets: Partial<Record<ServerKind, Target>> = { keyward };
  if (chosen.some((arm) => arm.server === 'apache')) targets.apache = await apache();
  if (chosen.some((arm) => arm.server === 'bare')) targets.bare = await bare();
  return { targets, arms: chosen };
}

export const get = (path: string, user: SeededUser) => ({ path, credential: user });
