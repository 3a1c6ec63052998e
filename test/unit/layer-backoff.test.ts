// Holding a lower layer after a congestion downgrade, longer when the next try fails soon.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BACKOFF_INITIAL_MS, BACKOFF_MAX_MS, LayerBackoff, UPGRADE_STABLE_MS } from "../../server/rooms/layer-backoff";

test("only a downgrade below what the tile wants starts a hold", () => {
  const b = new LayerBackoff();
  assert.equal(b.onLayersChange(0, 2, 0), false, "first layer: nothing to compare");
  assert.equal(b.onLayersChange(1, 2, 1000), false, "an upgrade");
  assert.equal(b.onLayersChange(1, 2, 1500), false, "no change");
  assert.equal(b.onLayersChange(0, 0, 2000), false, "the tile itself asked for 0");
  assert.equal(b.capAt(2000), null);
  assert.equal(b.onLayersChange(null, 2, 2500), false, "no layer (producer paused)");
});

test("held for the initial time, doubling while tries fail soon, back to the start after a stable upgrade", () => {
  const b = new LayerBackoff();
  let t = 0;
  b.onLayersChange(0, 2, t);
  b.onLayersChange(1, 2, (t += 1000));
  assert.equal(b.onLayersChange(0, 2, (t += 1000)), true);
  assert.equal(b.capAt(t), 0);
  assert.equal(b.holdEndsAt, t + BACKOFF_INITIAL_MS);
  assert.equal(b.capAt(t + BACKOFF_INITIAL_MS - 1), 0);
  t += BACKOFF_INITIAL_MS;
  assert.equal(b.capAt(t), null, "hold over");
  // the next try fails soon: twice as long
  b.onLayersChange(1, 2, (t += 500));
  assert.equal(b.onLayersChange(0, 2, (t += 2000)), true);
  assert.equal(b.holdEndsAt, t + 2 * BACKOFF_INITIAL_MS);
  // ... never beyond the maximum
  for (let i = 0; i < 10; i++) {
    t = b.holdEndsAt;
    b.capAt(t);
    b.onLayersChange(1, 2, (t += 100));
    b.onLayersChange(0, 2, (t += 100));
  }
  assert.equal(b.holdEndsAt - t, BACKOFF_MAX_MS);
  // an upgrade that holds a while: the next failure starts from the initial hold again
  t = b.holdEndsAt;
  b.capAt(t);
  b.onLayersChange(1, 2, (t += 100));
  t += UPGRADE_STABLE_MS + 1;
  b.onLayersChange(0, 2, t);
  assert.equal(b.holdEndsAt, t + BACKOFF_INITIAL_MS);
});
