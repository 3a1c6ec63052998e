// Sliding-window failure limits (login, sign-up) shared by every node: the same semantics as
// lib/auth/rate-limit.ts's FailureRateLimiter (at most `maxFailures` inside any `windowMs`),
// behind an async interface so that the store can be this process's memory or Redis.
import { randomBytes } from "node:crypto";
import type Redis from "ioredis";
import type { RateLimitDecision } from "../auth/rate-limit";
import { LuaScript } from "./redis-script";

export type { RateLimitDecision };

export interface FailureLimiterOptions {
  maxFailures: number;
  windowMs: number;
}

/**
 * What callers of a limiter use; always `await` the results. The in-memory implementation
 * is lib/auth/rate-limit.ts's FailureRateLimiter (synchronous), the shared one is Redis.
 */
export interface FailureLimiter {
  readonly maxFailures: number;
  readonly windowMs: number;
  /** May this key try again now? */
  check(key: string): RateLimitDecision | Promise<RateLimitDecision>;
  /** Records one failure (or attempt); returns the decision for the NEXT attempt. */
  recordFailure(key: string): RateLimitDecision | Promise<RateLimitDecision>;
  /** Forget a key (after a successful login). */
  reset(key: string): void | Promise<void>;
}

// One sorted set per key (score = failure time in ms), trimmed to the window and to
// maxFailures entries, expiring with the window. Returns {allowed, remaining|retryAfterMs}.
const LIMIT_SCRIPT = new LuaScript(`
local now = tonumber(ARGV[1])
local win = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - win)
if ARGV[4] == '1' then
  redis.call('ZADD', KEYS[1], now, ARGV[5])
  local n = redis.call('ZCARD', KEYS[1])
  if n > max then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - max - 1) end
  redis.call('PEXPIRE', KEYS[1], win)
end
local n = redis.call('ZCARD', KEYS[1])
if n >= max then
  local oldest = redis.call('ZRANGE', KEYS[1], n - max, n - max, 'WITHSCORES')
  return {0, tonumber(oldest[2]) + win - now}
end
return {1, max - n}
`);

/** Several nodes: one sorted set per key in Redis, updated atomically by a Lua script. */
export class RedisFailureLimiter implements FailureLimiter {
  readonly maxFailures: number;
  readonly windowMs: number;
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    opts: FailureLimiterOptions & { now?: () => number },
  ) {
    if (!(opts.maxFailures >= 1) || !(opts.windowMs > 0)) throw new RangeError("invalid limiter options");
    this.maxFailures = opts.maxFailures;
    this.windowMs = opts.windowMs;
    this.now = opts.now ?? Date.now;
  }

  private async run(key: string, record: boolean): Promise<RateLimitDecision> {
    const now = this.now();
    const member = `${now}-${randomBytes(6).toString("base64url")}`;
    const [allowed, n] = (await LIMIT_SCRIPT.run(
      this.redis,
      [this.keyPrefix + key],
      [now, this.windowMs, this.maxFailures, record ? "1" : "0", member],
    )) as [number, number];
    return allowed === 1 ? { allowed: true, remaining: n } : { allowed: false, retryAfterMs: Math.max(1, n) };
  }

  check(key: string) {
    return this.run(key, false);
  }
  recordFailure(key: string) {
    return this.run(key, true);
  }
  async reset(key: string) {
    await this.redis.del(this.keyPrefix + key);
  }
}
