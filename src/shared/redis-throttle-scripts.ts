// The failure throttle's records in Redis, one hash per key (f: failures, l: last failure,
// u: locked until, s: when this run of failures started, so a late withdraw cannot take a
// count from a newer run), with FailureThrottle's rules (src/domain/throttle.ts). Time is
// Redis's own (TIME), one clock for every host; replies carry durations, not instants.
// Locks also go to a sorted set (for an instance that starts or reconnects later), and every
// count to a channel ("<lock ms, 0: none> <id>"), so each instance's mirror learns the locks
// at once and which keys have failures a success must clear.
import { script } from './redis-connection.js';

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * KEYS: locks set, record keys. ARGV: limit, window, base, max, channel, then each key's id.
 * Refused: {0, wait ms}. Admitted: {1, then per key its run start and lock ms (0: none)}.
 */
export const ATTEMPT = script(`${NOW}
local limit, window, base, max = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local wait = 0
for i = 2, #KEYS do
  local u = tonumber(redis.call('HGET', KEYS[i], 'u') or '0')
  if u - now > wait then wait = u - now end
end
if wait > 0 then return {0, wait} end
local reply = {1}
for i = 2, #KEYS do
  local key, id = KEYS[i], ARGV[4 + i]
  local r = redis.call('HMGET', key, 'f', 'l', 's')
  local f, l, s = tonumber(r[1]), tonumber(r[2]), r[3]
  if f == nil or now - l > window then f, s = 0, tostring(now) end
  f = f + 1
  local lock = 0
  if f >= limit then
    lock = math.min(base * 2 ^ (f - limit), max)
    redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
    redis.call('ZADD', KEYS[1], now + lock, id)
  end
  redis.call('PUBLISH', ARGV[5], lock .. ' ' .. id)
  redis.call('HSET', key, 'f', f, 'l', now, 'u', now + lock, 's', s)
  redis.call('PEXPIRE', key, math.max(window, lock) + 1000)
  reply[#reply + 1] = s
  reply[#reply + 1] = lock
end
return reply
`);

/** KEYS: locks set, record keys; ARGV: limit, then each key's run start and id. */
export const WITHDRAW = script(`
local limit = tonumber(ARGV[1])
for i = 2, #KEYS do
  local key = KEYS[i]
  local r = redis.call('HMGET', key, 'f', 's')
  if r[2] == ARGV[2 * i - 2] then
    local f = tonumber(r[1]) - 1
    if f <= 0 then
      redis.call('DEL', key)
    else
      redis.call('HSET', key, 'f', f)
      if f < limit then redis.call('HSET', key, 'u', 0) end
    end
    if f < limit then redis.call('ZREM', KEYS[1], ARGV[2 * i - 1]) end
  end
end
return 1
`);

/** KEYS: locks set. Every lock in force: {id, ms left, id, ms left, …}. */
export const LOCKS = script(`${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local r = redis.call('ZRANGEBYSCORE', KEYS[1], now + 1, '+inf', 'WITHSCORES')
for i = 2, #r, 2 do r[i] = tonumber(r[i]) - now end
return r
`);
