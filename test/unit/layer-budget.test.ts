// The bandwidth budget of per-viewer layers: what each layer costs, how a viewer's estimate
// is shared over its videos in priority order, the hysteresis of each consumer's cap, and the
// layer control applying it (mocked mediasoup consumers) alongside the congestion backoff.
import { test } from "node:test";
import assert from "node:assert/strict";
import pino from "pino";
import {
  AUDIO_BITRATE,
  BUDGET_HEADROOM,
  BUDGET_UP_MS,
  BudgetCap,
  layerBitrates,
  layerCosts,
  measuredLayerBitrates,
  splitBudget,
  videoBudget,
  type BudgetedVideo,
} from "../../server/rooms/layer-budget";
import { LayerControl } from "../../server/rooms/layer-control";
import { producerLayers, PRIORITY } from "../../server/rooms/layer-policy";
import { fakeConsumer as fakeLayerConsumer } from "./fake-layer-consumer";

const LADDER = [150_000, 500_000, 1_300_000];
const SIZES = [
  { width: 320, height: 180 },
  { width: 640, height: 360 },
  { width: 1280, height: 720 },
];
const cam = (id: string, wanted: number, priority: number = PRIORITY.other): BudgetedVideo => ({ id, priority, wanted, bitrates: LADDER });

test("layer costs: simulcast from each encoding's maxBitrate, SVC spread by area, none when undeclared", () => {
  assert.deepEqual(layerBitrates(LADDER.map((maxBitrate) => ({ maxBitrate })), SIZES), LADDER);
  assert.equal(layerBitrates([{ maxBitrate: 150_000 }, {}, { maxBitrate: 1_300_000 }], SIZES), undefined);
  const svc = layerBitrates([{ maxBitrate: 2_500_000 }], [
    { width: 480, height: 270 },
    { width: 960, height: 540 },
    { width: 1920, height: 1080 },
  ])!;
  assert.equal(svc[2], 2_500_000);
  assert.ok(svc[0] < svc[1] && svc[1] < svc[2]);
  assert.ok(svc[0] > 2_500_000 / 16, "a lower SVC layer costs more than its share of the area");
  assert.equal(layerBitrates([{}], SIZES), undefined);
  // producerLayers carries them
  const p = producerLayers(LADDER.map((maxBitrate) => ({ maxBitrate, scalabilityMode: "L1T3" })), SIZES);
  assert.deepEqual(p.bitrates, LADDER);
});

test("measured costs: per simulcast encoding by rid or ssrc, SVC scaled; never above declared, declared where unmeasured", () => {
  const encodings = [{ rid: "r0" }, { rid: "r1" }, { rid: "r2" }];
  const stats = [
    { rid: "r2", bitrate: 900_000 },
    { rid: "r0", bitrate: 120_000 },
  ];
  assert.deepEqual(measuredLayerBitrates(encodings, stats, LADDER), [120_000, 0, 900_000]);
  assert.deepEqual(measuredLayerBitrates([{ ssrc: 1 }, { ssrc: 2 }], [{ ssrc: 2, bitrate: 400_000 }], [150_000, 500_000]), [0, 400_000]);
  // SVC: one stream at half its declared maximum → every layer at half
  assert.deepEqual(measuredLayerBitrates([{}], [{ bitrate: 650_000 }], LADDER), [75_000, 250_000, 650_000]);
  // costs: measured where it runs (capped at declared), declared where it does not
  assert.deepEqual(layerCosts(LADDER, [120_000, 0, 2_000_000]), [120_000, 500_000, 1_300_000]);
  assert.deepEqual(layerCosts(LADDER, undefined), LADDER);
  // a 720p layer measured at 1 M fits a 1.4 M estimate (what mediasoup probes to: 1.35 × what it sends)
  const fit = splitBudget(videoBudget(1_400_000, 1), [{ id: "a", priority: 1, wanted: 2, bitrates: layerCosts(LADDER, [140_000, 450_000, 1_000_000]) }]);
  assert.equal(fit.get("a"), 2);
});

test("budget: available × headroom minus audio, never negative", () => {
  assert.equal(videoBudget(1_000_000, 0), 1_000_000 * BUDGET_HEADROOM);
  assert.equal(videoBudget(1_000_000, 2), 1_000_000 * BUDGET_HEADROOM - 2 * AUDIO_BITRATE);
  assert.equal(videoBudget(10_000, 3), 0);
});

test("fitting one video: the highest layer whose bitrate fits; the lowest always", () => {
  // a 300 kbit/s link with one audio stream: 215 k for video → 320×180 only
  assert.equal(splitBudget(videoBudget(300_000, 1), [cam("a", 2)]).get("a"), 0);
  // the initial 800 k estimate: 640×360 fits, 1280×720 does not
  assert.equal(splitBudget(videoBudget(800_000, 1), [cam("a", 2)]).get("a"), 1);
  assert.equal(splitBudget(videoBudget(2_000_000, 1), [cam("a", 2)]).get("a"), 2);
  assert.equal(splitBudget(0, [cam("a", 2)]).get("a"), 0, "the lowest layer is always allowed");
  // exactly fitting counts
  assert.equal(splitBudget(500_000, [cam("a", 2)]).get("a"), 1);
  assert.equal(splitBudget(499_999, [cam("a", 2)]).get("a"), 0);
  // unknown bitrates: not limited
  assert.equal(splitBudget(0, [{ id: "x", priority: 1, wanted: 1, bitrates: undefined }]).get("x"), Number.POSITIVE_INFINITY);
});

test("splitting: by priority (screen > active speaker > others), the lowest layer for everyone first", () => {
  const screen: BudgetedVideo = { id: "screen", priority: PRIORITY.screen, wanted: 2, bitrates: [300_000, 800_000, 2_000_000] };
  const videos = [cam("other", 2), cam("speaker", 2, PRIORITY.activeSpeaker), screen];
  // 1.6 M: lowest layers 150+150+300 = 600 k; screen up to 800 k (+500 k) leaves 500 k;
  // the speaker up to 500 k (+350 k) leaves 150 k; the other stays on 150 k
  const fit = splitBudget(1_600_000, videos);
  assert.equal(fit.get("screen"), 1);
  assert.equal(fit.get("speaker"), 1);
  assert.equal(fit.get("other"), 0);
  // plenty: everyone gets what the tile wants (and room above it)
  const plenty = splitBudget(10_000_000, videos);
  assert.deepEqual([plenty.get("screen"), plenty.get("speaker"), plenty.get("other")], [2, 2, 2]);
  // equal priority: first come first served
  const two = splitBudget(800_000, [cam("a", 1), cam("b", 1)]);
  assert.deepEqual([two.get("a"), two.get("b")], [1, 0]);
  // over budget: everyone still has the lowest layer
  const poor = splitBudget(100_000, [cam("a", 2), cam("b", 2)]);
  assert.deepEqual([poor.get("a"), poor.get("b")], [0, 0]);
});

test("splitting: budget a small tile does not use is left for the others; what is left is room to grow", () => {
  // "small" wants only layer 0, so "big" can have 500 k of the 700 k
  const fit = splitBudget(700_000, [cam("small", 0, PRIORITY.activeSpeaker), cam("big", 2)]);
  assert.equal(fit.get("big"), 1);
  // 700 - 150 - 500 = 50 k left: not enough for "small" to grow to layer 1 (+350 k)
  assert.equal(fit.get("small"), 0);
  // a single small tile on a good link: its cap is above what it wants (a growing tile goes up at once)
  assert.equal(splitBudget(2_000_000, [cam("a", 0)]).get("a"), 2);
});

test("hysteresis: down at once, up only after the higher layer fitted for BUDGET_UP_MS in a row", () => {
  const cap = new BudgetCap();
  assert.equal(cap.value, null, "no estimate, no cap");
  let t = 0;
  assert.equal(cap.update(1, t), true);
  assert.equal(cap.value, 1);
  assert.equal(cap.update(0, (t += 2000)), true, "down at once");
  assert.equal(cap.value, 0);
  assert.equal(cap.update(2, (t += 2000)), false);
  assert.equal(cap.update(1, (t += 2000)), false);
  assert.equal(cap.value, 0, "not yet");
  assert.equal(cap.update(2, (t += BUDGET_UP_MS - 2000)), true);
  assert.equal(cap.value, 1, "up to the lowest layer that fitted throughout");
  // a dip interrupts the streak
  assert.equal(cap.update(2, (t += 2000)), false);
  assert.equal(cap.update(1, (t += 2000)), false);
  assert.equal(cap.update(2, (t += 2000)), false);
  assert.equal(cap.update(2, (t += BUDGET_UP_MS - 1)), false);
  assert.equal(cap.value, 1);
  assert.equal(cap.update(2, (t += 1)), true);
  assert.equal(cap.value, 2);
  // flapping estimate: up-down-up never raises it
  const flappy = new BudgetCap();
  flappy.update(0, 0);
  for (let i = 1; i < 20; i++) flappy.update(i % 2 === 0 ? 0 : 1, i * 2000);
  assert.equal(flappy.value, 0);
});

// ---- applied by the layer control ------------------------------------------------------

const fakeConsumer = (id: string, opts: { kind?: "audio" | "video"; source?: string; from?: string } = {}) =>
  fakeLayerConsumer(id, { ...opts, layers: { sizes: SIZES, temporalLayers: 3, bitrates: LADDER } });
const tick = () => new Promise((r) => setTimeout(r, 10));
const layerCalls = (c: { calls: string[] }) => c.calls.filter((x) => x.startsWith("layers"));

test("layer control: the estimate caps the preferred layer; up after the hold; dynacast keeps the tile's need", async () => {
  let t = 1_000_000;
  const demand: string[] = [];
  const lc = new LayerControl({ log: pino({ level: "silent" }), activeSpeaker: () => null, demandChanged: (c) => demand.push(c.id) }, () => t);
  const v = fakeConsumer("v");
  const a = fakeConsumer("a", { kind: "audio", source: "mic" });
  await lc.init(a as never);
  await lc.ready(a as never);
  await lc.init(v as never);
  await lc.ready(v as never);
  const peer = { id: "viewer", consumers: new Map([["v", v], ["a", a]]) } as never;
  await lc.updateViews(peer, [{ consumerId: "v", visible: true, width: 1280, height: 720 }]); // wants layer 2
  assert.deepEqual(layerCalls(v).at(-1), "layers 2/2");
  v.calls.length = 0;
  // a 300 kbit/s link: only the lowest layer fits; the tile still needs 2 (the publisher keeps sending it)
  lc.bandwidthChanged("viewer", 300_000);
  await tick();
  assert.deepEqual(layerCalls(v), ["layers 0/2"]);
  assert.equal(lc.budgetCapOf(v as never), 0);
  assert.equal((v.appData.need as { spatialLayer: number }).spatialLayer, 2);
  assert.equal((v.appData.choice as { spatialLayer: number }).spatialLayer, 0);
  assert.ok(demand.includes("v"));
  // a good estimate must hold for BUDGET_UP_MS before it goes up
  t += 2_000;
  lc.bandwidthChanged("viewer", 3_000_000);
  await tick();
  t += 2_000;
  lc.bandwidthChanged("viewer", 3_000_000);
  await tick();
  assert.deepEqual(layerCalls(v), ["layers 0/2"], "not up yet");
  t += BUDGET_UP_MS;
  lc.bandwidthChanged("viewer", 3_000_000);
  await tick();
  assert.deepEqual(layerCalls(v), ["layers 0/2", "layers 2/2"]);
  // and down at once
  t += 2_000;
  lc.bandwidthChanged("viewer", 800_000);
  await tick();
  assert.deepEqual(layerCalls(v), ["layers 0/2", "layers 2/2", "layers 1/2"]);
  // the stricter cap wins: a congestion hold at 0 under a budget that allows 1
  v.emit("layerschange", { spatialLayer: 1, temporalLayer: 2 });
  v.emit("layerschange", { spatialLayer: 0, temporalLayer: 2 });
  await tick();
  assert.deepEqual(layerCalls(v).at(-1), "layers 0/2");
  // a tile that shrinks to layer 0 needs nothing more: caps never raise what the tile wants
  await lc.updateViews(peer, [{ consumerId: "v", visible: true, width: 300, height: 168 }]);
  assert.deepEqual(layerCalls(v).at(-1), "layers 0/2");
});

test("layer control: two videos of one viewer share its budget by priority", async () => {
  const t = 1_000_000;
  const lc = new LayerControl({ log: pino({ level: "silent" }), activeSpeaker: () => "ana", demandChanged: () => undefined }, () => t);
  const ana = fakeConsumer("ana", { from: "ana" });
  const ben = fakeConsumer("ben", { from: "ben" });
  for (const c of [ben, ana]) {
    await lc.init(c as never);
    await lc.ready(c as never);
  }
  const peer = { id: "viewer", consumers: new Map([["ana", ana], ["ben", ben]]) } as never;
  await lc.updateViews(peer, [
    { consumerId: "ben", visible: true, width: 640, height: 360 },
    { consumerId: "ana", visible: true, width: 640, height: 360 },
  ]);
  // 800 k × 0.85 = 680 k: 150 + 150, then the active speaker up to 500 → 180 k left: ben stays on 0
  lc.bandwidthChanged("viewer", 800_000);
  await tick();
  assert.equal(lc.budgetCapOf(ana as never), 1);
  assert.equal(lc.budgetCapOf(ben as never), 0);
  assert.deepEqual(layerCalls(ana).at(-1), "layers 1/2");
  assert.deepEqual(layerCalls(ben).at(-1), "layers 0/2");
});
