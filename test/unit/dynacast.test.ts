// Dynacast: what the publisher is told to send, from what its viewers need. Mocked mediasoup
// objects (only what Dynacast reads: ids, kind, appData, observer "close").
import { test } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { Dynacast, STANDBY_LAYER } from "../../server/rooms/dynacast";
import type { LayerChoice } from "../../server/rooms/layer-policy";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fakeProducer(id: string, layers = 3) {
  return {
    id,
    kind: "video",
    closed: false,
    observer: new EventEmitter(),
    appData: { peerId: "pub", source: "camera", layers: { sizes: Array.from({ length: layers }, () => ({ width: 1, height: 1 })), temporalLayers: 3 } },
  };
}
function fakeConsumer(producerId: string, choice: LayerChoice) {
  return { producerId, closed: false, observer: new EventEmitter(), appData: { choice } };
}
function publisher() {
  const sent: Array<{ producerId: string; maxSpatialLayer: number | null }> = [];
  return { sent, notify: (_name: string, data: { producerId: string; maxSpatialLayer: number | null }) => sent.push(data) };
}
const at = (layer: number): LayerChoice => ({ paused: false, spatialLayer: layer, temporalLayer: 2 });

test("alone: the smallest layer stays on; viewers who cannot see it stop it; showing it brings it back at once", async () => {
  const d = new Dynacast(40);
  const pub = publisher();
  const producer = fakeProducer("p1");
  d.addProducer(pub as never, producer as never);
  assert.deepEqual(pub.sent, [], "starts as sent (every layer on)");
  await sleep(80);
  assert.deepEqual(pub.sent, [{ producerId: "p1", maxSpatialLayer: STANDBY_LAYER }], "no consumer: standby layer");
  assert.equal(d.isSuspended("p1"), false);
  const c = fakeConsumer("p1", { paused: true });
  d.addConsumer(c as never);
  await sleep(80);
  assert.deepEqual(pub.sent.at(-1), { producerId: "p1", maxSpatialLayer: null }, "its only viewer cannot see it");
  assert.equal(d.isSuspended("p1"), true);
  c.appData.choice = at(1);
  d.changed(c as never);
  assert.deepEqual(pub.sent.at(-1), { producerId: "p1", maxSpatialLayer: 1 }, "upgrade without delay");
  assert.equal(d.isSuspended("p1"), false);
  d.close();
});

test("the highest layer any viewer needs; downgrades wait and are cancelled when the need returns", async () => {
  const d = new Dynacast(50);
  const pub = publisher();
  d.addProducer(pub as never, fakeProducer("p2") as never);
  const small = fakeConsumer("p2", at(0));
  const big = fakeConsumer("p2", at(2));
  d.addConsumer(small as never);
  d.addConsumer(big as never);
  await sleep(80);
  assert.deepEqual(pub.sent, [], "2 is needed: nothing to change");
  // the big tile shrinks: a downgrade to 0 is scheduled...
  big.appData.choice = at(0);
  d.changed(big as never);
  await sleep(10);
  // ...and cancelled because it grows again within the delay
  big.appData.choice = at(2);
  d.changed(big as never);
  await sleep(80);
  assert.deepEqual(pub.sent, [], "no flapping");
  // hidden for good: down to the small viewer's layer after the delay
  big.appData.choice = { paused: true };
  d.changed(big as never);
  assert.deepEqual(pub.sent, []);
  await sleep(80);
  assert.deepEqual(pub.sent, [{ producerId: "p2", maxSpatialLayer: 0 }]);
  // the last viewer leaves: back to the standby layer (it is 0 already: nothing sent)
  small.closed = true;
  small.observer.emit("close");
  big.closed = true;
  big.observer.emit("close");
  await sleep(80);
  assert.deepEqual(pub.sent.at(-1), { producerId: "p2", maxSpatialLayer: STANDBY_LAYER });
  d.close();
});

test("resend repeats the current demand; audio and closed producers are not tracked", async () => {
  const d = new Dynacast(10);
  const pub = publisher();
  const p = fakeProducer("p3", 1);
  d.addProducer(pub as never, p as never);
  d.addProducer(pub as never, { ...fakeProducer("mic"), kind: "audio" } as never);
  d.addConsumer(fakeConsumer("p3", at(0)) as never);
  d.resend(pub as never);
  assert.deepEqual(pub.sent, [{ producerId: "p3", maxSpatialLayer: 0 }]);
  p.closed = true;
  p.observer.emit("close");
  assert.equal(d.isSuspended("p3"), false);
  d.resend(pub as never);
  assert.equal(pub.sent.length, 1);
  d.close();
});
