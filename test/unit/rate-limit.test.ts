import { test } from "node:test";
import assert from "node:assert/strict";
import { FailureRateLimiter, loginKey, retryAfterMinutes } from "@/lib/auth/rate-limit";

function fake() {
  let t = 1_000_000;
  const limiter = new FailureRateLimiter({ maxFailures: 10, windowMs: 15 * 60_000, now: () => t });
  return { limiter, advance: (ms: number) => (t += ms) };
}

test("allows 10 failures, then blocks the 11th attempt", () => {
  const { limiter, advance } = fake();
  const key = loginKey("A@Example.com ", "1.2.3.4");
  for (let i = 0; i < 10; i++) {
    const d = limiter.check(key);
    assert.equal(d.allowed, true, `attempt ${i + 1}`);
    limiter.recordFailure(key);
    advance(1000);
  }
  const blocked = limiter.check(key);
  assert.equal(blocked.allowed, false);
  if (!blocked.allowed) {
    // First failure at t0, now t0+10s -> about 14m50s left -> "15 minutes".
    assert.equal(blocked.retryAfterMs, 15 * 60_000 - 10_000);
    assert.equal(retryAfterMinutes(blocked.retryAfterMs), 15);
  }
});

test("keys are per email (case-insensitive) + IP", () => {
  const { limiter } = fake();
  for (let i = 0; i < 10; i++) limiter.recordFailure(loginKey("a@example.com", "1.1.1.1"));
  assert.equal(limiter.check(loginKey("A@EXAMPLE.COM", "1.1.1.1")).allowed, false);
  assert.equal(limiter.check(loginKey("a@example.com", "2.2.2.2")).allowed, true);
  assert.equal(limiter.check(loginKey("b@example.com", "1.1.1.1")).allowed, true);
});

test("sliding window: blocks until the oldest failure expires", () => {
  const { limiter, advance } = fake();
  const key = "k";
  limiter.recordFailure(key); // t0
  advance(5 * 60_000);
  for (let i = 0; i < 9; i++) limiter.recordFailure(key); // t0+5m
  assert.equal(limiter.check(key).allowed, false);
  advance(10 * 60_000 - 1);
  assert.equal(limiter.check(key).allowed, false);
  advance(1); // t0 + 15m: first failure leaves the window
  const d = limiter.check(key);
  assert.equal(d.allowed, true);
  if (d.allowed) assert.equal(d.remaining, 1);
  limiter.recordFailure(key);
  const again = limiter.check(key);
  assert.equal(again.allowed, false);
  if (!again.allowed) assert.equal(again.retryAfterMs, 5 * 60_000); // the t0+5m batch
});

test("reset clears a key (successful login)", () => {
  const { limiter } = fake();
  for (let i = 0; i < 10; i++) limiter.recordFailure("k");
  assert.equal(limiter.check("k").allowed, false);
  limiter.reset("k");
  assert.equal(limiter.check("k").allowed, true);
  assert.equal(limiter.size, 0);
});

test("memory stays bounded", () => {
  let t = 0;
  const limiter = new FailureRateLimiter({ maxFailures: 3, windowMs: 1000, now: () => t, maxKeys: 100 });
  for (let i = 0; i < 1000; i++) {
    limiter.recordFailure(`k${i}`);
    t += 1;
  }
  assert.ok(limiter.size <= 100);
  // The most recent key is still tracked.
  limiter.recordFailure("k999");
  limiter.recordFailure("k999");
  assert.equal(limiter.check("k999").allowed, false);
});

test("retryAfterMinutes rounds up, minimum 1", () => {
  assert.equal(retryAfterMinutes(1), 1);
  assert.equal(retryAfterMinutes(60_000), 1);
  assert.equal(retryAfterMinutes(60_001), 2);
});
