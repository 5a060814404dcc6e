// The Digest replay window (src/digest/replay-window.ts) kept in Redis, so that a (nonce, nc)
// accepted by any instance is refused by all others: one script, one round trip per request.
//
// Per nonce one key, expiring with the nonce: a u32 holding the highest nc accepted, then a
// ring of `ncWindow` bits indexed by nc mod ncWindow, the same IPsec-style window as in
// memory (above the highest: new; within the window: new unless its bit is set; below: stale).
//
// Redis without persistence forgets every nonce when it restarts, which would let each
// (nonce, nc) through once more. Hence the epoch: a random value set once in Redis (SET NX),
// whose hash is the nonce issuer every instance sharing this Redis writes into its nonces
// (src/digest/nonce.ts). The script refuses a nonce as `foreign` (answered stale) unless the
// epoch it was issued under is the one Redis holds now; an instance that finds the epoch gone
// sets a new one, and every nonce of the old epoch is stale from then on.
import { createHash, randomBytes } from 'node:crypto';
import { NONCE_ISSUER_BYTES } from '../digest/nonce.js';
import type { RemoteReplay, RemoteVerdict, ReplayRoutes } from '../digest/replay-routes.js';
import { type RedisConnection, RedisUnavailable, script } from './redis-connection.js';

type ScriptVerdict = 'accepted' | 'replay' | 'below-window' | 'foreign';

const CHECK = script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 'foreign' end
local nonce, nc, w = KEYS[2], tonumber(ARGV[2]), tonumber(ARGV[4])
if redis.call('EXISTS', nonce) == 0 then
  redis.call('BITFIELD', nonce, 'SET', 'u32', 0, nc)
  redis.call('SETBIT', nonce, 32 + nc % w, 1)
  redis.call('PEXPIRE', nonce, ARGV[3])
  return 'accepted'
end
local high = redis.call('BITFIELD', nonce, 'GET', 'u32', 0)[1]
if nc > high then
  if nc - high >= w then
    redis.call('SETRANGE', nonce, 4, string.rep('\\0', w / 8))
  else
    for n = high + 1, nc - 1 do redis.call('SETBIT', nonce, 32 + n % w, 0) end
  end
  redis.call('SETBIT', nonce, 32 + nc % w, 1)
  redis.call('BITFIELD', nonce, 'SET', 'u32', 0, nc)
  return 'accepted'
end
if high - nc >= w then return 'below-window' end
if redis.call('SETBIT', nonce, 32 + nc % w, 1) == 1 then return 'replay' end
return 'accepted'
`);

export interface RedisReplayOptions {
  readonly lifetimeMs: number;
  /** Bits per nonce, a multiple of 8; the in-memory window's default is 256. */
  readonly ncWindow?: number;
  /** Prefix of every key, so several deployments can share one Redis. */
  readonly prefix?: string;
}

/** The authenticator's ReplayRoutes when instances share a Redis: every nonce goes there. */
export class RedisReplay implements ReplayRoutes {
  private epoch: string | undefined;
  private currentIssuer: Buffer = randomBytes(NONCE_ISSUER_BYTES);
  private currentHex = this.currentIssuer.toString('hex');
  private readonly remote: RemoteReplay = {
    accept: (nonce, issuedAt, nc) => this.accept(nonce, issuedAt, nc, Date.now()),
  };
  private establishing: Promise<void> | undefined;
  private readonly ncWindow: number;
  private readonly prefix: string;

  constructor(
    private readonly redis: RedisConnection,
    private readonly options: RedisReplayOptions,
  ) {
    this.ncWindow = Math.max(8, Math.ceil((options.ncWindow ?? 256) / 8) * 8);
    this.prefix = options.prefix ?? 'keyward:';
  }

  /**
   * The issuer new nonces carry: the current epoch's hash, or random (so every nonce issued
   * before an epoch is known will be foreign) while Redis was never reached.
   */
  issuer(): Buffer {
    return this.currentIssuer;
  }

  /**
   * Nonces of the current epoch are checked in Redis. Another issuer's nonce may be of a
   * newer epoch another instance set after Redis lost its state: this one then adopts it.
   * Otherwise (an old epoch, an instance on another Redis) nobody reachable tracked it: stale.
   * Only a request whose response verified gets here, so strangers cannot make it ask.
   */
  route(issuer: string): RemoteReplay {
    if (issuer === this.currentHex) return this.remote;
    return {
      accept: async (nonce, issuedAt, nc) => {
        try {
          await this.establish();
        } catch (error) {
          if (error instanceof RedisUnavailable) return 'unavailable';
          throw error;
        }
        if (issuer !== this.currentHex) return 'foreign';
        return this.accept(nonce, issuedAt, nc, Date.now());
      },
    };
  }

  /** As `check`, with an unreachable Redis as a verdict (503) rather than an exception. */
  async accept(nonce: string, issuedAt: number, nc: number, at: number): Promise<RemoteVerdict> {
    try {
      return await this.check(nonce, issuedAt, nc, at);
    } catch (error) {
      if (error instanceof RedisUnavailable) return 'unavailable';
      throw error;
    }
  }

  /** Adopts the epoch Redis holds, setting one when there is none. */
  establish(): Promise<void> {
    this.establishing ??= this.adopt().finally(() => {
      this.establishing = undefined;
    });
    return this.establishing;
  }

  /**
   * Accepts (nonce, nc) once across every instance. The nonce was opened by a codec whose
   * issuer is `issuer()` now, so it was issued under `this.epoch`. Throws RedisUnavailable.
   */
  async check(nonce: string, issuedAt: number, nc: number, at: number): Promise<ScriptVerdict> {
    const epoch = this.epoch;
    if (epoch === undefined) {
      await this.establish();
      return 'foreign';
    }
    const ttl = Math.max(1, issuedAt + this.options.lifetimeMs - at);
    const verdict = await this.redis.run(
      CHECK,
      [`${this.prefix}epoch`, `${this.prefix}n:${nonce}`],
      [epoch, String(nc), String(ttl), String(this.ncWindow)],
    );
    if (verdict === 'foreign' && this.epoch === epoch) await this.establish();
    if (!isVerdict(verdict)) throw new RedisUnavailable(new Error(`unexpected reply ${verdict}`));
    return verdict;
  }

  private async adopt(): Promise<void> {
    const key = `${this.prefix}epoch`;
    await this.redis.command(['SET', key, randomBytes(16).toString('hex'), 'NX']);
    const epoch = await this.redis.command(['GET', key]);
    if (typeof epoch !== 'string') throw new RedisUnavailable(new Error('no epoch after SET NX'));
    if (epoch === this.epoch) return;
    this.epoch = epoch;
    this.currentIssuer = createHash('sha256')
      .update(epoch)
      .digest()
      .subarray(0, NONCE_ISSUER_BYTES);
    this.currentHex = this.currentIssuer.toString('hex');
  }
}

function isVerdict(reply: unknown): reply is ScriptVerdict {
  return (
    reply === 'accepted' || reply === 'replay' || reply === 'below-window' || reply === 'foreign'
  );
}
