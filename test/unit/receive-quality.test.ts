// What the browser reports about what it receives: loss over the interval, jitter now.
import { test } from "node:test";
import assert from "node:assert/strict";
import { receiveQuality } from "../../lib/client/receive-quality";

const stream = (kind: string, packetsReceived: number, packetsLost: number, jitter?: number) => ({ kind, packetsReceived, packetsLost, jitter });

test("loss is counted over the interval, per stream", () => {
  const first = receiveQuality(new Map(), new Map([["a", stream("audio", 100, 0, 0.004)], ["v", stream("video", 900, 0, 0.02)]]));
  assert.deepEqual(first.quality, { packetLossPercent: 0, jitterMs: 4 });
  const second = receiveQuality(
    first.totals,
    new Map([["a", stream("audio", 195, 5, 0.012)], ["v", stream("video", 1800, 0, 0.03)]]),
  );
  // 5 lost of 100 audio + 900 video packets in the interval
  assert.equal(second.quality.packetLossPercent, 0.5);
  assert.equal(second.quality.jitterMs, 12, "audio jitter preferred");
});

test("video jitter when nothing else arrives; a stream that restarts does not count negative", () => {
  const q = receiveQuality(new Map([["v", { received: 5000, lost: 50 }]]), new Map([["v", stream("video", 100, 0, 0.025)]]));
  assert.deepEqual(q.quality, { packetLossPercent: 0, jitterMs: 25 });
  const none = receiveQuality(new Map(), new Map());
  assert.deepEqual(none.quality, { packetLossPercent: 0, jitterMs: null });
});
