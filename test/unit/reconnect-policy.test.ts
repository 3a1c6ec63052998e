// When the browser retries after losing the signaling connection.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  GIVE_UP_AFTER_MS,
  RECONNECT_DELAYS_MS,
  RECONNECT_JITTER_MS,
  RESTART_SPREAD_MS,
  reconnectDelay,
  shouldGiveUp,
} from "../../lib/client/reconnect-policy";
import { CLOSE_CODES } from "../../lib/signaling/protocol";

const fixed = (v: number) => () => v;

test("the first try is immediate, the second after 300 ms, without jitter", () => {
  assert.equal(reconnectDelay(0, 1006, fixed(0.9)), 0);
  assert.equal(reconnectDelay(1, 1006, fixed(0.9)), 300);
});

test("from the third try: the schedule plus up to 1 s of jitter, never more than 4 s apart", () => {
  for (let attempt = 2; attempt < 40; attempt++) {
    const base = RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)];
    assert.equal(reconnectDelay(attempt, null, fixed(0)), base);
    const max = reconnectDelay(attempt, null, fixed(0.999999));
    assert.ok(max <= base + RECONNECT_JITTER_MS && max >= base + RECONNECT_JITTER_MS - 1, `attempt ${attempt}: ${max}`);
    assert.ok(max <= 4_000, "a server that is back is found within ~4 s");
  }
});

test("after a server restart even the first try is spread (a thousand clients do not arrive at once)", () => {
  const delays = Array.from({ length: 1000 }, () => reconnectDelay(0, CLOSE_CODES.serviceRestart));
  assert.ok(delays.every((d) => d >= 0 && d <= RESTART_SPREAD_MS));
  // at most ~1/15 of them (plus noise) in any 100 ms window
  const buckets = new Map<number, number>();
  for (const d of delays) buckets.set(Math.floor(d / 100), (buckets.get(Math.floor(d / 100)) ?? 0) + 1);
  assert.ok(Math.max(...buckets.values()) < 150, `busiest 100 ms: ${Math.max(...buckets.values())}`);
  assert.ok(reconnectDelay(1, CLOSE_CODES.serviceRestart, fixed(0.5)) > 300, "jittered from the second try");
});

test("gives up after about two minutes", () => {
  assert.equal(GIVE_UP_AFTER_MS, 120_000);
  assert.equal(shouldGiveUp(0, 119_999), false);
  assert.equal(shouldGiveUp(0, 120_000), true);
});
