// Digest-aware load on autocannon: every connection keeps its own Digest state and writes
// a fresh Authorization header per request from autocannon's request hooks.
//
//   none         no Authorization (the bare Node ceiling)
//   nonce-reuse  one 401 challenge per connection, then nc=1,2,3… on that nonce (Python
//                requests); a 401 with a new challenge (stale nonce) restarts the count
//   fresh-nonce  every logical request is two HTTP requests: an unauthenticated one for
//                the 401 and its nonce, then the authenticated one (the Go Atlas client)
//
// Throughput and latency are counted per *logical* request that got the expected status:
// in fresh-nonce mode one logical request spans both round trips.

import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { type Challenge, type Credential, DigestSigner, pickMd5Challenge } from './digest.js';

export type AuthMode = 'none' | 'nonce-reuse' | 'fresh-nonce';

export interface LoadSpec {
  /** Origin, e.g. http://127.0.0.1:8080 */
  readonly origin: string;
  readonly method: 'GET' | 'POST';
  readonly body?: string;
  readonly mode: AuthMode;
  /** Connection i sends clients[i % length]'s request. */
  readonly clients: readonly ClientSpec[];
  readonly expectStatus: number;
  readonly connections: number;
  readonly durationSeconds: number;
}

export interface ClientSpec {
  /** Request target as it goes on the request line (and in the Digest uri). */
  readonly path: string;
  /** Who signs; needed unless the mode is `none`. */
  readonly credential?: Credential;
}

export interface LoadResult {
  /** Logical requests answered with the expected status. */
  readonly ok: number;
  readonly seconds: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  /** HTTP requests sent (fresh-nonce: two per logical request). */
  readonly httpRequests: number;
  /** 401 challenges received (fresh-nonce: one per logical request). */
  readonly challenges: number;
  /** Authenticated requests answered 401: should be 0 (nonce-reuse: only on stale nonces). */
  readonly rejected: number;
  /** Unexpected statuses by code, connection errors and timeouts. */
  readonly unexpected: Readonly<Record<string, number>>;
  readonly errors: number;
  readonly timeouts: number;
  /** wrk only: 401s that said stale=true (a nonce this process did not accept as its own). */
  readonly stale?: number;
  /** wrk only: requests that found their thread's precomputed headers used up. */
  readonly exhausted?: number;
}

// Enough for 8 s at 250k req/s; beyond it latencies are sampled no further (counts are).
const MAX_SAMPLES = 2_000_000;

class Counters {
  ok = 0;
  challenges = 0;
  rejected = 0;
  unexpected: Record<string, number> = {};
  readonly latencies = new Float64Array(MAX_SAMPLES);
  samples = 0;

  record(latencyMs: number): void {
    this.ok++;
    if (latencyMs >= 0 && this.samples < MAX_SAMPLES) this.latencies[this.samples++] = latencyMs;
  }

  other(status: number): void {
    this.unexpected[status] = (this.unexpected[status] ?? 0) + 1;
  }
}

/** Per-connection Digest state, driven by what the responses say. */
interface Connection {
  readonly id: string;
  readonly path: string;
  readonly credential: Credential;
  signer?: DigestSigner;
  /** The nonce to answer next; fresh-nonce mode drops it after one use. */
  challenge?: Challenge;
  /** The challenge read from the current response's headers, if it was a 401. */
  received?: Challenge;
  /** Whether the request in flight carried an Authorization header. */
  authed: boolean;
  nc: number;
  cnonces: number;
  /** performance.now() when the current logical request began; -1 before the first. */
  started: number;
}

type AcRequest = autocannon.Request;

/** http-parser-js's headers-complete info, as autocannon's client emits it. */
interface ParsedHead {
  readonly statusCode: number;
  /** name, value, name, value, … */
  readonly headers: readonly string[];
}

function readChallenge(head: ParsedHead): Challenge | undefined {
  if (head.statusCode !== 401) return undefined;
  const values: string[] = [];
  for (let i = 0; i + 1 < head.headers.length; i += 2) {
    if (head.headers[i]!.toLowerCase() === 'www-authenticate') values.push(head.headers[i + 1]!);
  }
  return pickMd5Challenge(values);
}

function jsonHeaders(spec: LoadSpec): Record<string, string> {
  return spec.body === undefined
    ? { accept: 'application/json' }
    : { accept: 'application/json', 'content-type': 'application/json' };
}

function authorize(conn: Connection, spec: LoadSpec): string {
  conn.nc++;
  conn.cnonces++;
  const cnonce = `${conn.id}${conn.cnonces.toString(16).padStart(10, '0')}`;
  return conn.signer!.authorization(conn.challenge!, spec.method, conn.path, conn.nc, cnonce);
}

/**
 * Builds each request from the connection's state: without a nonce, an unauthenticated
 * request (for the challenge); with one, the answer to it. Autocannon calls this after the
 * previous response has been handled, so the state is always current.
 */
function digestRequest(conn: Connection, spec: LoadSpec): AcRequest {
  const plain = jsonHeaders(spec);
  const target = {
    method: spec.method,
    path: conn.path,
    ...(spec.body === undefined ? {} : { body: spec.body }),
  };
  return {
    setupRequest: (req) => {
      conn.authed = conn.challenge !== undefined;
      if (!conn.authed) {
        conn.started = performance.now();
        return { ...req, ...target, headers: { ...plain } };
      }
      if (spec.mode === 'nonce-reuse') conn.started = performance.now();
      const authorization = authorize(conn, spec);
      if (spec.mode === 'fresh-nonce') conn.challenge = undefined;
      return { ...req, ...target, headers: { ...plain, authorization } };
    },
  };
}

/** A fixed request (mode `none`) for a connection whose path is not the default one. */
function staticRequest(conn: Connection, spec: LoadSpec): AcRequest {
  return {
    method: spec.method,
    path: conn.path,
    headers: jsonHeaders(spec),
    ...(spec.body === undefined ? {} : { body: spec.body }),
  };
}

// Responses are read from the client's events, not from `onResponse`, which converts every
// header list with lodash and would make the generator, not the server, the bottleneck.
function watch(
  client: autocannon.Client,
  conn: Connection,
  spec: LoadSpec,
  counters: Counters,
): void {
  // 'headers' is emitted by autocannon's client but missing from its typings.
  (client as NodeJS.EventEmitter).on('headers', (head: ParsedHead) => {
    conn.received = readChallenge(head);
  });
  client.on('response', (status: number, _bytes: number, durationMs: number) => {
    const received = conn.received;
    conn.received = undefined;
    if (spec.mode === 'none') {
      if (status === spec.expectStatus) counters.record(durationMs);
      else counters.other(status);
      return;
    }
    if (status === 401 && received) {
      if (conn.authed) counters.rejected++;
      else counters.challenges++;
      if (!conn.signer) conn.signer = new DigestSigner(conn.credential, received.realm);
      conn.challenge = received;
      conn.nc = 0;
    } else if (conn.authed && status === spec.expectStatus) {
      counters.record(conn.started >= 0 ? performance.now() - conn.started : -1);
    } else {
      counters.other(status);
      conn.challenge = undefined; // start over with a fresh challenge
    }
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

/** Runs one load for `spec.durationSeconds` and summarises it. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const first = spec.clients[0];
  if (!first) throw new Error('a load needs at least one client');
  if (spec.mode !== 'none' && spec.clients.some((c) => !c.credential)) {
    throw new Error('a Digest load needs a credential for every client');
  }
  const counters = new Counters();
  let clients = 0;
  const result = await autocannon({
    url: new URL(first.path, spec.origin).toString(),
    method: spec.method,
    headers: jsonHeaders(spec),
    ...(spec.body === undefined ? {} : { body: spec.body }),
    connections: spec.connections,
    pipelining: 1,
    duration: spec.durationSeconds,
    timeout: 10,
    setupClient: (client) => {
      const n = clients++;
      const clientSpec = spec.clients[n % spec.clients.length]!;
      const conn: Connection = {
        id: n.toString(16).padStart(6, '0'),
        path: clientSpec.path,
        credential: clientSpec.credential ?? { username: '', password: '' },
        authed: false,
        nc: 0,
        cnonces: 0,
        started: -1,
      };
      if (spec.mode !== 'none') client.setRequests([digestRequest(conn, spec)]);
      else if (clientSpec.path !== first.path) client.setRequests([staticRequest(conn, spec)]);
      watch(client, conn, spec, counters);
    },
  });
  const sorted = counters.latencies.slice(0, counters.samples).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  const seconds = result.duration;
  return {
    ok: counters.ok,
    seconds,
    rps: counters.ok / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: sorted.length ? sum / sorted.length : Number.NaN,
    httpRequests: result.requests.total,
    challenges: counters.challenges,
    rejected: counters.rejected,
    unexpected: counters.unexpected,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
