// Per-viewer layers applied to consumers (mocked mediasoup consumers that record the calls):
// resumed only when the client is ready and the tile can be seen, paused while hidden,
// preferred layers from the tile size, a key frame when shown, priorities by source and
// active speaker, dynacast told about every change.
import { test } from "node:test";
import assert from "node:assert/strict";
import pino from "pino";
import { BACKOFF_INITIAL_MS } from "../../server/rooms/layer-backoff";
import { LayerControl, RESTART_LOW_MS } from "../../server/rooms/layer-control";
import { PRIORITY } from "../../server/rooms/layer-policy";
import { fakeConsumer } from "./fake-layer-consumer";

function control(active: () => string | null = () => null, now: () => number = Date.now) {
  const demand: string[] = [];
  const lc = new LayerControl({ log: pino({ level: "silent" }), activeSpeaker: active, demandChanged: (c) => demand.push(c.id) }, now);
  return { lc, demand };
}
const peerWith = (...consumers: ReturnType<typeof fakeConsumer>[]) =>
  ({ consumers: new Map(consumers.map((c) => [c.id, c])) }) as never;

/** A ready consumer of `from`'s camera whose tile wants its top layer (2), on a clock the test moves. */
async function wantingTopLayer(id: string, from?: string) {
  const clock = { t: 1_000_000 };
  const { lc } = control(() => null, () => clock.t);
  const c = fakeConsumer(id, from ? { from } : {});
  await lc.init(c as never);
  await lc.ready(c as never);
  const peer = peerWith(c);
  await lc.updateViews(peer, [{ consumerId: id, visible: true, width: 1000, height: 560 }]);
  return { lc, c, peer, clock };
}

test("a new consumer gets its priority and the default layer; resumed with a key frame once the client is ready", async () => {
  const { lc } = control();
  const c = fakeConsumer("c1");
  await lc.init(c as never);
  assert.deepEqual(c.calls.sort(), [`layers 1/2`, `priority ${PRIORITY.other}`].sort());
  c.calls.length = 0;
  await lc.ready(c as never);
  assert.deepEqual(c.calls, ["resume", "keyframe"]);
});

test("views: the tile's layer; hidden = paused; shown again = resumed with a key frame", async () => {
  const { lc, demand } = control();
  const c = fakeConsumer("c2");
  await lc.init(c as never);
  await lc.ready(c as never);
  c.calls.length = 0;
  const peer = peerWith(c);
  await lc.updateViews(peer, [{ consumerId: "c2", visible: true, width: 1000, height: 560 }]);
  assert.deepEqual(c.calls, ["layers 2/2"]);
  await lc.updateViews(peer, [{ consumerId: "c2", visible: false, width: 0, height: 0 }]);
  assert.deepEqual(c.calls, ["layers 2/2", "pause"]);
  await lc.updateViews(peer, [{ consumerId: "c2", visible: true, width: 300, height: 168 }]);
  assert.deepEqual(c.calls, ["layers 2/2", "pause", "layers 0/2", "resume", "keyframe"]);
  // the same view again changes nothing
  await lc.updateViews(peer, [{ consumerId: "c2", visible: true, width: 300, height: 168 }]);
  assert.equal(c.calls.length, 5);
  assert.deepEqual(demand, ["c2", "c2", "c2"], "dynacast hears of each change");
  // unknown ids (someone else's consumer) are ignored
  await lc.updateViews(peer, [{ consumerId: "not-mine", visible: false, width: 0, height: 0 }]);
});

test("hidden before the client is ready: it stays paused when the client says ready", async () => {
  const { lc } = control();
  const c = fakeConsumer("c3");
  await lc.init(c as never);
  await lc.updateViews(peerWith(c), [{ consumerId: "c3", visible: false, width: 0, height: 0 }]);
  c.calls.length = 0;
  await lc.ready(c as never);
  assert.deepEqual(c.calls, [], "not resumed");
  assert.equal(c.paused, true);
});

test("audio is resumed when ready and never gets views or layers", async () => {
  const { lc } = control();
  const a = fakeConsumer("a1", { kind: "audio", source: "mic" });
  await lc.init(a as never);
  assert.deepEqual(a.calls, []);
  await lc.ready(a as never);
  assert.deepEqual(a.calls, ["resume"]);
  await lc.updateViews(peerWith(a), [{ consumerId: "a1", visible: false, width: 0, height: 0 }]);
  assert.deepEqual(a.calls, ["resume"]);
});

test("priorities: screens first, the active speaker's camera above the others, updated when the speaker changes", async () => {
  let speaker: string | null = "ana";
  const { lc } = control(() => speaker);
  const screen = fakeConsumer("s", { source: "screen", from: "ben" });
  const ana = fakeConsumer("ca", { from: "ana" });
  const ben = fakeConsumer("cb", { from: "ben" });
  for (const c of [screen, ana, ben]) await lc.init(c as never);
  assert.ok(screen.calls.includes(`priority ${PRIORITY.screen}`));
  assert.ok(ana.calls.includes(`priority ${PRIORITY.activeSpeaker}`));
  assert.ok(ben.calls.includes(`priority ${PRIORITY.other}`));
  for (const c of [screen, ana, ben]) c.calls.length = 0;
  speaker = "ben";
  lc.activeSpeakerChanged("ana", "ben", [{ consumers: new Map([["s", screen], ["ca", ana], ["cb", ben]]) }] as never);
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(ana.calls, [`priority ${PRIORITY.other}`]);
  assert.deepEqual(ben.calls, [`priority ${PRIORITY.activeSpeaker}`]);
  assert.deepEqual(screen.calls, [`priority ${PRIORITY.screen}`], "ben's screen keeps the screen priority");
});

test("congestion: taken down below what the tile wants, the consumer is held there, then tries again", async () => {
  const { lc, c, peer, clock } = await wantingTopLayer("c4");
  c.calls.length = 0;
  // the SFU starts on 0 (estimate), moves up to 1, then has to go back to 0
  c.emit("layerschange", { spatialLayer: 0, temporalLayer: 2 });
  c.emit("layerschange", { spatialLayer: 1, temporalLayer: 2 });
  clock.t += 2_000;
  c.emit("layerschange", { spatialLayer: 0, temporalLayer: 2 });
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(c.calls, ["layers 0/2"], "held at the layer the link carries");
  // the tile grows meanwhile: still held
  await lc.updateViews(peer, [{ consumerId: "c4", visible: true, width: 1200, height: 680 }]);
  assert.deepEqual(c.calls, ["layers 0/2"]);
  // after the hold the tile's layer is preferred again
  clock.t += BACKOFF_INITIAL_MS + 1;
  await lc.updateViews(peer, [{ consumerId: "c4", visible: true, width: 1000, height: 560 }]);
  assert.deepEqual(c.calls, ["layers 0/2", "layers 2/2"]);
});

test("a layer the producer stopped sending is not congestion: no hold", async () => {
  const { c, clock } = await wantingTopLayer("c5");
  c.emit("layerschange", { spatialLayer: 1, temporalLayer: 2 });
  c.emit("layerschange", { spatialLayer: 2, temporalLayer: 2 });
  c.calls.length = 0;
  clock.t += 2_000;
  // the publisher's network fails: its streams go inactive one after the other
  c.score = { score: 10, producerScore: 10, producerScores: [10, 10, 0] };
  c.emit("layerschange", { spatialLayer: 1, temporalLayer: 2 });
  c.score = { score: 10, producerScore: 10, producerScores: [10, 0, 0] };
  c.emit("layerschange", { spatialLayer: 0, temporalLayer: 2 });
  c.score = { score: 0, producerScore: 0, producerScores: [0, 0, 0] };
  c.emit("layerschange", null);
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(c.calls, [], "the consumer still prefers the tile's layer");
  // back: the layers return, and a real congestion downgrade afterwards is still held
  c.score = { score: 10, producerScore: 10, producerScores: [10, 10, 10] };
  c.emit("layerschange", { spatialLayer: 0, temporalLayer: 2 });
  c.emit("layerschange", { spatialLayer: 2, temporalLayer: 2 });
  c.emit("layerschange", { spatialLayer: 1, temporalLayer: 2 });
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(c.calls, ["layers 1/2"], "held after a downgrade the producer did not cause");
});

test("a publisher's new path: its viewers start from the smallest layer, then go back to what the tile needs", async () => {
  let t = 1_000_000;
  const { lc } = control(() => null, () => t);
  const c = fakeConsumer("c6", { from: "ben" });
  const other = fakeConsumer("c7", { from: "cleo" });
  for (const x of [c, other]) {
    await lc.init(x as never);
    await lc.ready(x as never);
  }
  const peer = peerWith(c, other);
  await lc.updateViews(peer, [
    { consumerId: "c6", visible: true, width: 1000, height: 560 },
    { consumerId: "c7", visible: true, width: 1000, height: 560 },
  ]);
  c.emit("layerschange", { spatialLayer: 2, temporalLayer: 2 });
  c.calls.length = other.calls.length = 0;
  lc.publisherPathChanged("ben");
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(c.calls, ["layers 0/2"], "Ben's viewer starts again from his smallest layer");
  assert.deepEqual(other.calls, [], "other publishers' consumers are left alone");
  // dynacast reads the need, not the preference: Ben is still asked for the tile's layer
  assert.equal((c.appData.need as { spatialLayer: number }).spatialLayer, 2);
  // a viewer who joins meanwhile starts low as well
  const late = fakeConsumer("c8", { from: "ben" });
  await lc.init(late as never);
  await lc.ready(late as never);
  await lc.updateViews(peerWith(late), [{ consumerId: "c8", visible: true, width: 1000, height: 560 }]);
  assert.ok(!late.calls.some((x) => x.startsWith("layers 2")), `the late viewer starts low: ${late.calls.join(", ")}`);
  // mediasoup follows: that downgrade is not congestion
  c.emit("layerschange", { spatialLayer: 0, temporalLayer: 2 });
  t += RESTART_LOW_MS + 1;
  await new Promise((r) => setTimeout(r, RESTART_LOW_MS + 50));
  assert.deepEqual(c.calls, ["layers 0/2", "layers 2/2"], "back to the tile's layer, no congestion hold");
  assert.equal(late.calls.at(-1), "layers 2/2", "the late viewer is let up too");
});
