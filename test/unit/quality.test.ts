import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DOWNLINK_THRESHOLDS,
  downlinkLevel,
  fractionLostToPercent,
  qualityLevel,
  QUALITY_THRESHOLDS,
  uplinkLevel,
  worseLevel,
} from "../../lib/quality/level";

const base = { score: 10, packetLossPercent: 0, rttMs: 40, hasMedia: true };

test("perfect numbers are excellent", () => {
  assert.equal(qualityLevel(base), "excellent");
  assert.equal(qualityLevel({ ...base, rttMs: null }), "excellent");
});

test("excellent boundaries", () => {
  const t = QUALITY_THRESHOLDS.excellent;
  assert.equal(qualityLevel({ ...base, score: t.minScore }), "excellent");
  assert.equal(qualityLevel({ ...base, score: t.minScore - 0.1 }), "good");
  assert.equal(qualityLevel({ ...base, packetLossPercent: t.maxLossPercent - 0.01 }), "excellent");
  assert.equal(qualityLevel({ ...base, packetLossPercent: t.maxLossPercent }), "good");
  assert.equal(qualityLevel({ ...base, rttMs: t.maxRttMs - 1 }), "excellent");
  assert.equal(qualityLevel({ ...base, rttMs: t.maxRttMs }), "good");
});

test("good boundaries", () => {
  const t = QUALITY_THRESHOLDS.good;
  assert.equal(qualityLevel({ ...base, score: t.minScore }), "good");
  assert.equal(qualityLevel({ ...base, score: t.minScore - 1 }), "poor");
  assert.equal(qualityLevel({ ...base, packetLossPercent: 4.9 }), "good");
  assert.equal(qualityLevel({ ...base, packetLossPercent: t.maxLossPercent }), "poor");
  assert.equal(qualityLevel({ ...base, rttMs: 299 }), "good");
  assert.equal(qualityLevel({ ...base, rttMs: t.maxRttMs }), "poor");
});

test("bad numbers are poor, not lost, while media flows", () => {
  assert.equal(qualityLevel({ score: 0, packetLossPercent: 60, rttMs: 2000, hasMedia: true }), "poor");
});

test("lost: no media or disconnected transport wins over good numbers", () => {
  assert.equal(qualityLevel({ ...base, hasMedia: false }), "lost");
  assert.equal(qualityLevel({ ...base, connected: false }), "lost");
  assert.equal(qualityLevel({ ...base, connected: true }), "excellent");
});

test("non-finite inputs never crash and never look good", () => {
  assert.equal(qualityLevel({ ...base, score: Number.NaN }), "poor");
  assert.equal(qualityLevel({ ...base, packetLossPercent: Number.NaN }), "poor");
  assert.equal(qualityLevel({ ...base, rttMs: Number.POSITIVE_INFINITY }), "excellent"); // unknown rtt is ignored
});

test("RTCP fraction lost (x/256) to percent", () => {
  assert.equal(fractionLostToPercent(0), 0);
  assert.equal(fractionLostToPercent(128), 50);
  assert.equal(fractionLostToPercent(256), 100);
  assert.equal(fractionLostToPercent(-1), 0);
  assert.equal(fractionLostToPercent(Number.NaN), 0);
  assert.ok(Math.abs(fractionLostToPercent(13) - 5.078) < 0.01);
});

// ---- both directions ----------------------------------------------------------------------

const down = { score: 10, packetLossPercent: 0, jitterMs: 5, availableKbps: 2000, receivesVideo: true };

test("a bad downlink makes an otherwise excellent participant poor", () => {
  assert.equal(qualityLevel({ ...base, downlink: down }), "excellent");
  assert.equal(qualityLevel({ ...base, downlink: { ...down, packetLossPercent: 12 } }), "poor");
  assert.equal(uplinkLevel({ ...base, downlink: { ...down, packetLossPercent: 12 } }), "excellent", "uplink alone unchanged");
  // and the other way round: a bad uplink stays bad whatever the downlink
  assert.equal(qualityLevel({ ...base, packetLossPercent: 12, downlink: down }), "poor");
  assert.equal(qualityLevel({ ...base, hasMedia: false, downlink: down }), "lost");
});

test("downlink boundaries: score, loss, jitter, available bitrate", () => {
  const e = DOWNLINK_THRESHOLDS.excellent;
  const g = DOWNLINK_THRESHOLDS.good;
  assert.equal(downlinkLevel({ ...down, score: e.minScore }), "excellent");
  assert.equal(downlinkLevel({ ...down, score: e.minScore - 0.5 }), "good");
  assert.equal(downlinkLevel({ ...down, score: g.minScore - 0.5 }), "poor");
  assert.equal(downlinkLevel({ ...down, packetLossPercent: e.maxLossPercent }), "good");
  assert.equal(downlinkLevel({ ...down, packetLossPercent: g.maxLossPercent }), "poor");
  assert.equal(downlinkLevel({ ...down, jitterMs: e.maxJitterMs - 1 }), "excellent");
  assert.equal(downlinkLevel({ ...down, jitterMs: e.maxJitterMs }), "good");
  assert.equal(downlinkLevel({ ...down, jitterMs: g.maxJitterMs }), "poor");
  assert.equal(downlinkLevel({ ...down, availableKbps: e.minAvailableKbps }), "excellent");
  assert.equal(downlinkLevel({ ...down, availableKbps: e.minAvailableKbps - 1 }), "good");
  assert.equal(downlinkLevel({ ...down, availableKbps: g.minAvailableKbps - 1 }), "poor");
});

test("a 300 kbit/s downlink receiving video is at best good; unknown figures are ignored", () => {
  assert.equal(downlinkLevel({ ...down, availableKbps: 280 }), "good");
  assert.equal(downlinkLevel({ ...down, availableKbps: 120 }), "poor");
  // audio only: a low estimate does not hurt (it needs ~40 kbit/s)
  assert.equal(downlinkLevel({ ...down, availableKbps: 120, receivesVideo: false }), "excellent");
  assert.equal(downlinkLevel({ ...down, jitterMs: null, availableKbps: null }), "excellent");
  assert.equal(downlinkLevel({ ...down, jitterMs: Number.NaN, availableKbps: Number.NaN }), "excellent");
  assert.equal(downlinkLevel({ ...down, score: Number.NaN }), "poor");
  assert.equal(downlinkLevel({ ...down, packetLossPercent: Number.NaN }), "poor");
});

test("worseLevel orders lost < poor < good < excellent", () => {
  assert.equal(worseLevel("excellent", "good"), "good");
  assert.equal(worseLevel("poor", "good"), "poor");
  assert.equal(worseLevel("lost", "excellent"), "lost");
  assert.equal(worseLevel("good", "good"), "good");
});
