// Rooms across cores: where a newcomer's transports go.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_ROUTER_CONSUMER_THRESHOLD, expectedLoad, placePeer } from "../../server/rooms/router-placement";

const workers = [
  { index: 0, load: 10 },
  { index: 1, load: 2 },
];

test("the first router goes on the least-loaded worker", () => {
  assert.deepEqual(placePeer([], workers, { threshold: 600, roomSize: 1 }), { kind: "new", workerIndex: 1 });
  assert.throws(() => placePeer([], [], { threshold: 600, roomSize: 1 }), /no mediasoup worker/);
});

test("a small room stays on one router", () => {
  const routers = [{ id: "a", workerIndex: 1, consumers: 150, peers: 9 }];
  assert.deepEqual(placePeer(routers, workers, { threshold: 600, roomSize: 10 }), { kind: "existing", id: "a" });
});

test("past the threshold the room opens a router on a worker it does not use yet", () => {
  // 12 peers of a 25-person room expect 12 * 2 * 24 = 576 consumers; one more is 624 > 600
  const routers = [{ id: "a", workerIndex: 1, consumers: 300, peers: 12 }];
  assert.equal(expectedLoad(routers[0], 25), 576);
  assert.deepEqual(placePeer(routers, workers, { threshold: 600, roomSize: 25 }), { kind: "new", workerIndex: 0 });
});

test("the expected load counts consumers that do not exist yet (a burst of joins)", () => {
  const routers = [{ id: "a", workerIndex: 0, consumers: 0, peers: 1 }];
  // threshold 2 (the e2e setting): the second peer of the room already does not fit
  assert.deepEqual(placePeer(routers, workers, { threshold: 2, roomSize: 2 }), { kind: "new", workerIndex: 1 });
  assert.deepEqual(placePeer(routers, workers, { threshold: 4, roomSize: 2 }), { kind: "existing", id: "a" });
});

test("oldest router that still fits first; an empty router is always reused", () => {
  const routers = [
    { id: "a", workerIndex: 0, consumers: 590, peers: 12 },
    { id: "b", workerIndex: 1, consumers: 10, peers: 2 },
  ];
  assert.deepEqual(placePeer(routers, workers, { threshold: 600, roomSize: 15 }), { kind: "existing", id: "b" });
  const emptied = [{ id: "a", workerIndex: 0, consumers: 0, peers: 0 }];
  assert.deepEqual(placePeer(emptied, workers, { threshold: 1, roomSize: 40 }), { kind: "existing", id: "a" });
});

test("spanning every worker already: the least-loaded router of the room", () => {
  const routers = [
    { id: "a", workerIndex: 0, consumers: 900, peers: 20 },
    { id: "b", workerIndex: 1, consumers: 700, peers: 15 },
  ];
  assert.deepEqual(placePeer(routers, workers, { threshold: 600, roomSize: 36 }), { kind: "existing", id: "b" });
});

test("the default threshold leaves headroom under one core's measured capacity", () => {
  assert.ok(DEFAULT_ROUTER_CONSUMER_THRESHOLD > 0 && DEFAULT_ROUTER_CONSUMER_THRESHOLD < 930);
});
