// Nonces for precomputed headers, asked of the server under test before a run: one
// unauthenticated request per nonce, each on a connection of its own, as a fresh client
// would. The check that follows sends one line of each slice and wants the expected status,
// so a generator or server mismatch fails before a run instead of as a run full of 401s.
//
// Multi-process targets: a nonce is used on whichever connection wrk's thread opens. That
// holds when every process accepts every process's nonces (one process, or a shared
// replay store). If nonces are bound to the worker or instance that issued them, the
// lines of one thread must stay on that issuer's connections; the Lua script counts the
// `stale=true` answers such a mix-up gives, and the run is reported invalid.

import { request } from 'node:http';
import { type BenchAlgorithm, type Challenge, pickChallenge } from './digest.js';

export interface Exchange {
  readonly origin: string;
  readonly method: string;
  readonly path: string;
  readonly body?: string;
}

interface Answer {
  readonly status: number;
  readonly wwwAuthenticate: readonly string[];
}

function send({ origin, method, path, body }: Exchange, authorization?: string): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (authorization !== undefined) headers.authorization = authorization;
  return new Promise((resolve, reject) => {
    // agent: false: a connection per request, so a multi-process server spreads them.
    const req = request(new URL(path, origin), { method, headers, agent: false, timeout: 30_000 });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => {
        const values = res.headersDistinct['www-authenticate'] ?? [];
        resolve({ status: res.statusCode ?? 0, wwwAuthenticate: values });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** `count` challenges for `algorithm`, each from its own unauthenticated request. */
export async function fetchChallenges(
  exchange: Exchange,
  algorithm: BenchAlgorithm,
  count: number,
): Promise<Challenge[]> {
  const challenges: Challenge[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await send(exchange);
    const challenge = pickChallenge(answer.wwwAuthenticate, algorithm);
    if (answer.status !== 401 || !challenge) {
      throw new Error(
        `${exchange.method} ${exchange.path}: expected a 401 with an ${algorithm} challenge, got ${answer.status}`,
      );
    }
    challenges.push(challenge);
  }
  return challenges;
}

/** Sends one precomputed Authorization value; throws unless the answer is `expectStatus`. */
export async function checkAuthorization(
  exchange: Exchange,
  authorization: string,
  expectStatus: number,
): Promise<void> {
  const { status } = await send(exchange, authorization);
  if (status !== expectStatus) {
    throw new Error(
      `${exchange.method} ${exchange.path}: a precomputed header got ${status}, not ${expectStatus}`,
    );
  }
}
