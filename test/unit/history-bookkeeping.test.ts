import { test } from "node:test";
import assert from "node:assert/strict";
import {
  addQualitySample,
  newPresence,
  newQuality,
  presenceJoin,
  presenceLeave,
  qualitySummary,
  SerialQueue,
} from "@/server/history/bookkeeping";

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
