import { test } from "node:test";
import assert from "node:assert/strict";
import {
  addQualitySample,
  higherRole,
  mergeQuality,
  newPresence,
  newQuality,
  presenceJoin,
  presenceLeave,
  qualityFromSummary,
  qualitySummary,
  roleOf,
  SerialQueue,
} from "@/server/history/bookkeeping";

const noDownlink = {
  meanScore: null,
  downSamples: 0,
  meanDownPacketLoss: null,
  maxDownPacketLoss: null,
  meanDownJitterMs: null,
  meanDownScore: null,
  meanDownKbps: null,
};

test("presence: the first join opens the session and an attendance", () => {
  const p = newPresence();
  assert.deepEqual(presenceJoin(p, "a"), { firstConnection: true, roomWasEmpty: true, present: 1, peakChanged: true });
  assert.equal(p.peak, 1);
});

test("presence: a second connection of the same participant counts once", () => {
  const p = newPresence();
  presenceJoin(p, "a");
  assert.deepEqual(presenceJoin(p, "a"), { firstConnection: false, roomWasEmpty: false, present: 1, peakChanged: false });
  assert.deepEqual(presenceLeave(p, "a"), { lastConnection: false, roomEmpty: false, present: 1, unknown: false });
  assert.deepEqual(presenceLeave(p, "a"), { lastConnection: true, roomEmpty: true, present: 0, unknown: false });
  assert.equal(p.peak, 1);
});

test("presence: peak is the most distinct participants at once", () => {
  const p = newPresence();
  presenceJoin(p, "a");
  assert.equal(presenceJoin(p, "b").peakChanged, true);
  presenceLeave(p, "a");
  assert.equal(presenceJoin(p, "c").peakChanged, false); // b + c = 2, not 3
  presenceJoin(p, "c");
  assert.equal(p.peak, 2);
  assert.equal(presenceJoin(p, "a").present, 3);
  assert.equal(p.peak, 3);
});

test("presence: an unknown or duplicate leave changes nothing", () => {
  const p = newPresence();
  presenceJoin(p, "a");
  assert.equal(presenceLeave(p, "zz").unknown, true);
  presenceLeave(p, "a");
  const again = presenceLeave(p, "a");
  assert.equal(again.unknown, true);
  assert.equal(again.lastConnection, false);
  assert.equal(p.connections.size, 0);
});

test("quality: running means, max loss, rtt ignoring nulls", () => {
  const q = newQuality();
  assert.deepEqual(qualitySummary(q), {
    qualitySamples: 0,
    meanPacketLoss: null,
    maxPacketLoss: null,
    meanRttMs: null,
    meanSendKbps: null,
    meanRecvKbps: null,
    ...noDownlink,
  });
  addQualitySample(q, { packetLossPercent: 0, rttMs: null, sendKbps: 100, recvKbps: 300 });
  addQualitySample(q, { packetLossPercent: 4, rttMs: 50, sendKbps: 200, recvKbps: 500 });
  addQualitySample(q, { packetLossPercent: 2, rttMs: 70, sendKbps: 300, recvKbps: 700 });
  assert.deepEqual(qualitySummary(q), {
    qualitySamples: 3,
    meanPacketLoss: 2,
    maxPacketLoss: 4,
    meanRttMs: 60,
    meanSendKbps: 200,
    meanRecvKbps: 500,
    ...noDownlink,
  });
});

test("quality: non-finite samples are ignored; means are rounded to 2 decimals", () => {
  const q = newQuality();
  addQualitySample(q, { packetLossPercent: Number.NaN, rttMs: 10, sendKbps: 1, recvKbps: 1 });
  addQualitySample(q, { packetLossPercent: 1, rttMs: 10, sendKbps: Infinity, recvKbps: 1 });
  assert.equal(q.samples, 0);
  addQualitySample(q, { packetLossPercent: 1, rttMs: 1, sendKbps: 1, recvKbps: 1 });
  addQualitySample(q, { packetLossPercent: 0, rttMs: 0, sendKbps: 0, recvKbps: 0 });
  addQualitySample(q, { packetLossPercent: 0, rttMs: 0, sendKbps: 0, recvKbps: 0 });
  const s = qualitySummary(q);
  assert.equal(s.meanPacketLoss, 0.33);
  assert.equal(s.meanRttMs, 0.33);
});

test("SerialQueue: tasks run one at a time in order; a failure doesn't stop the queue", async () => {
  const q = new SerialQueue();
  const log: string[] = [];
  const errors: unknown[] = [];
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  q.push(async () => { log.push("a<"); await sleep(20); log.push("a>"); }, (e) => errors.push(e));
  q.push(async () => { throw new Error("boom"); }, (e) => errors.push(e));
  q.push(async () => { log.push("c<"); await sleep(1); log.push("c>"); }, (e) => errors.push(e));
  assert.equal(q.size, 3);
  await q.idle();
  assert.deepEqual(log, ["a<", "a>", "c<", "c>"]);
  assert.equal(errors.length, 1);
  assert.equal(q.size, 0);
});

test("quality: uplink score and downlink (loss, score, jitter, available bandwidth) means", () => {
  const q = newQuality();
  addQualitySample(q, { packetLossPercent: 0, rttMs: 10, sendKbps: 100, recvKbps: 100, score: 10 });
  addQualitySample(q, {
    packetLossPercent: 2, rttMs: 30, sendKbps: 300, recvKbps: 300, score: 7,
    downlink: { score: 9, packetLossPercent: 4, jitterMs: 10, availableKbps: 2000 },
  });
  addQualitySample(q, {
    packetLossPercent: 1, rttMs: 20, sendKbps: 200, recvKbps: 200, score: 13, // clamped to 10
    downlink: { score: 5, packetLossPercent: 0, jitterMs: null, availableKbps: null },
  });
  addQualitySample(q, {
    packetLossPercent: Number.NaN, rttMs: 1, sendKbps: 1, recvKbps: 1, // bad uplink, good downlink: downlink kept
    downlink: { score: 7, packetLossPercent: 2, jitterMs: 20, availableKbps: 1000 },
  });
  const s = qualitySummary(q);
  assert.equal(s.qualitySamples, 3);
  assert.equal(s.meanScore, 9);
  assert.equal(s.downSamples, 3);
  assert.equal(s.meanDownPacketLoss, 2);
  assert.equal(s.maxDownPacketLoss, 4);
  assert.equal(s.meanDownScore, 7);
  assert.equal(s.meanDownJitterMs, 15);
  assert.equal(s.meanDownKbps, 1500);
});

test("quality: a stored summary continues (restart) and merges with samples taken meanwhile", () => {
  const before = newQuality();
  addQualitySample(before, { packetLossPercent: 2, rttMs: 40, sendKbps: 100, recvKbps: 200, score: 8,
    downlink: { score: 6, packetLossPercent: 3, jitterMs: 9, availableKbps: 900 } });
  addQualitySample(before, { packetLossPercent: 4, rttMs: 60, sendKbps: 300, recvKbps: 400, score: 10,
    downlink: { score: 8, packetLossPercent: 1, jitterMs: 11, availableKbps: 1100 } });
  const stored = qualitySummary(before);
  assert.deepEqual(qualitySummary(qualityFromSummary(stored)), stored);

  const meanwhile = newQuality();
  addQualitySample(meanwhile, { packetLossPercent: 6, rttMs: 80, sendKbps: 500, recvKbps: 600, score: 6 });
  const merged = qualitySummary(mergeQuality(qualityFromSummary(stored), meanwhile));
  assert.equal(merged.qualitySamples, 3);
  assert.equal(merged.meanPacketLoss, 4);
  assert.equal(merged.maxPacketLoss, 6);
  assert.equal(merged.meanRttMs, 60);
  assert.equal(merged.meanScore, 8);
  assert.equal(merged.downSamples, 2);
  assert.equal(merged.meanDownScore, 7);
  assert.deepEqual(qualitySummary(qualityFromSummary(qualitySummary(newQuality()))), qualitySummary(newQuality()));
});

test("roles: explicit role, else host / signed-in / guest; the higher one wins", () => {
  assert.equal(roleOf({ isHost: true, isGuest: false, userId: "u" }), "host");
  assert.equal(roleOf({ isGuest: false, userId: "u" }), "signed-in");
  assert.equal(roleOf({ isGuest: true }), "guest");
  assert.equal(roleOf({ isGuest: false, userId: null }), "guest");
  assert.equal(roleOf({ role: "co-host", isGuest: false, userId: "u" }), "co-host");
  assert.equal(roleOf({ role: "superuser", isGuest: true }), "guest", "unknown roles are ignored");
  assert.equal(higherRole("guest", "co-host"), "co-host");
  assert.equal(higherRole("host", "signed-in"), "host");
  assert.equal(higherRole("whatever", "guest"), "guest");
});
