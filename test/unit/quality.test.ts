import { test } from "node:test";
import assert from "node:assert/strict";
import { fractionLostToPercent, qualityLevel, QUALITY_THRESHOLDS } from "../../lib/quality/level";

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
