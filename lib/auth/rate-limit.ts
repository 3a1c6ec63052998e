// Sliding-window limiter for failed logins (per email+IP key) and sign-ups (per IP).
// FailureRateLimiter is the in-memory one (one node; state lost on restart, which is
// acceptable for brute-force throttling). With REDIS_URL the server installs a shared store
// (lib/shared-state) and loginLimiter()/signupLimiter() return its Redis limiter instead, so
// every node counts the same failures. Always `await` check/recordFailure/reset.
//
// Semantics: at most `maxFailures` failures inside any `windowMs` window. Once a key has
// that many, check() refuses until the oldest of them leaves the window.

import type { FailureLimiter } from "../shared-state/failure-limiter";
import { installedSharedState } from "../shared-state/process";

export interface RateLimiterOptions {
  maxFailures: number;
  windowMs: number;
  /** Clock (tests inject a fake one). */
  now?: () => number;
  /** Upper bound on tracked keys; expired keys are swept first, then the oldest dropped. */
  maxKeys?: number;
}

export type RateLimitDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number };

export class FailureRateLimiter implements FailureLimiter {
  readonly maxFailures: number;
  readonly windowMs: number;
  private readonly now: () => number;
  private readonly maxKeys: number;
  private readonly failures = new Map<string, number[]>();

  constructor(opts: RateLimiterOptions) {
    if (!(opts.maxFailures >= 1) || !(opts.windowMs > 0)) throw new RangeError("invalid limiter options");
    this.maxFailures = opts.maxFailures;
    this.windowMs = opts.windowMs;
    this.now = opts.now ?? Date.now;
    this.maxKeys = opts.maxKeys ?? 50_000;
  }

  private recent(key: string, now: number): number[] {
    const list = this.failures.get(key);
    if (!list) return [];
    const cutoff = now - this.windowMs;
    let i = 0;
    while (i < list.length && list[i] <= cutoff) i++;
    if (i > 0) list.splice(0, i);
    if (list.length === 0) this.failures.delete(key);
    return list;
  }

  /** May this key try again now? */
  check(key: string): RateLimitDecision {
    const now = this.now();
    const list = this.recent(key, now);
    if (list.length >= this.maxFailures) {
      const oldestRelevant = list[list.length - this.maxFailures];
      return { allowed: false, retryAfterMs: Math.max(1, oldestRelevant + this.windowMs - now) };
    }
    return { allowed: true, remaining: this.maxFailures - list.length };
  }

  /** Records one failure; returns the decision for the NEXT attempt. */
  recordFailure(key: string): RateLimitDecision {
    const now = this.now();
    const list = this.recent(key, now);
    list.push(now);
    if (list.length > this.maxFailures) list.splice(0, list.length - this.maxFailures);
    this.failures.delete(key); // re-insert: Map order = least recently failed first
    this.failures.set(key, list);
    if (this.failures.size > this.maxKeys) this.sweep(now);
    return this.check(key);
  }

  /** Forget a key (after a successful login). */
  reset(key: string): void {
    this.failures.delete(key);
  }

  get size(): number {
    return this.failures.size;
  }

  private sweep(now: number): void {
    for (const key of [...this.failures.keys()]) this.recent(key, now);
    for (const key of this.failures.keys()) {
      if (this.failures.size <= this.maxKeys) break;
      this.failures.delete(key);
    }
  }
}

/** Minutes to show in "try again in N minutes" (at least 1). */
export function retryAfterMinutes(ms: number): number {
  return Math.max(1, Math.ceil(ms / 60_000));
}

export const LOGIN_MAX_FAILURES = 10;
export const LOGIN_WINDOW_MS = 15 * 60_000;
export const SIGNUP_MAX_ATTEMPTS = 10;
export const SIGNUP_WINDOW_MS = 60 * 60_000;

/**
 * The limiter called `name`: the installed shared store's (Redis with several nodes), else a
 * process-wide in-memory one (on globalThis so Next's module copies / HMR share it).
 */
function limiter(name: string, options: { maxFailures: number; windowMs: number }): FailureLimiter {
  const shared = installedSharedState();
  if (shared) return shared.failureLimiter(name, options);
  const g = globalThis as unknown as { __meetLimiters?: Map<string, FailureRateLimiter> };
  const all = (g.__meetLimiters ??= new Map());
  let l = all.get(name);
  if (!l) all.set(name, (l = new FailureRateLimiter(options)));
  return l;
}

export function loginLimiter(): FailureLimiter {
  return limiter("login", { maxFailures: LOGIN_MAX_FAILURES, windowMs: LOGIN_WINDOW_MS });
}

/** Sign-up attempts per client address (record every attempt, not only failures). */
export function signupLimiter(): FailureLimiter {
  return limiter("signup", { maxFailures: SIGNUP_MAX_ATTEMPTS, windowMs: SIGNUP_WINDOW_MS });
}

export function signupKey(ip: string | null | undefined): string {
  return ip || "unknown";
}

/** Limiter key for an email + client IP (email normalised). */
export function loginKey(email: string, ip: string | null | undefined): string {
  return `${email.trim().toLowerCase()}|${ip || "unknown"}`;
}
