// Per-viewer layers applied to consumers (mocked mediasoup consumers that record the calls):
// resumed only when the client is ready and the tile can be seen, paused while hidden,
// preferred layers from the tile size, a key frame when shown, priorities by source and
// active speaker, dynacast told about every change.
import { test } from "node:test";
import assert from "node:assert/strict";
import pino from "pino";
import { BACKOFF_INITIAL_MS } from "../../server/rooms/layer-backoff";
import { LayerControl } from "../../server/rooms/layer-control";
import { PRIORITY } from "../../server/rooms/layer-policy";
import { fakeConsumer } from "./fake-layer-consumer";

function control(active: () => string | null = () => null, now: () => number = Date.now) {
  const demand: string[] = [];
  const lc = new LayerControl({ log: pino({ level: "silent" }), activeSpeaker: active, demandChanged: (c) => demand.push(c.id) }, now);
  return { lc, demand };
}
const peerWith = (...consumers: ReturnType<typeof fakeConsumer>[]) =>
  ({ consumers: new Map(consumers.map((c) => [c.id, c])) }) as never;

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
  let t = 1_000_000;
  const { lc } = control(() => null, () => t);
  const c = fakeConsumer("c4");
  await lc.init(c as never);
  await lc.ready(c as never);
  const peer = peerWith(c);
  await lc.updateViews(peer, [{ consumerId: "c4", visible: true, width: 1000, height: 560 }]); // wants layer 2
  c.calls.length = 0;
  // the SFU starts on 0 (estimate), moves up to 1, then has to go back to 0
  c.emit("layerschange", { spatialLayer: 0, temporalLayer: 2 });
  c.emit("layerschange", { spatialLayer: 1, temporalLayer: 2 });
  t += 2_000;
  c.emit("layerschange", { spatialLayer: 0, temporalLayer: 2 });
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(c.calls, ["layers 0/2"], "held at the layer the link carries");
  // the tile grows meanwhile: still held
  await lc.updateViews(peer, [{ consumerId: "c4", visible: true, width: 1200, height: 680 }]);
  assert.deepEqual(c.calls, ["layers 0/2"]);
  // after the hold the tile's layer is preferred again
  t += BACKOFF_INITIAL_MS + 1;
  await lc.updateViews(peer, [{ consumerId: "c4", visible: true, width: 1000, height: 560 }]);
  assert.deepEqual(c.calls, ["layers 0/2", "layers 2/2"]);
});
