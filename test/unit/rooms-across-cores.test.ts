// Rooms across cores against REAL mediasoup workers (two): past the consumer threshold a
// room's further peers get a router on the other worker, producers are piped across in both
// directions (pause and close follow), and when one worker dies only the peers homed on it
// set their media up again while the rest of the room stays.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  audioRtpParameters,
  eventually,
  joinedClient,
  startTestServer,
  videoRtpParameters,
  workerMissingReason,
  type TestServer,
} from "./sfu-test-helpers";

const skip = workerMissingReason() ?? false;

type Detail = { roomId: string; routers: { worker: number; peers: number; consumers: number }[] };

async function detail(server: TestServer, roomId: string): Promise<Detail> {
  const res = await fetch(`http://127.0.0.1:${server.port}/api/sfu/stats?detail=1`);
  const body = (await res.json()) as { detail: Detail[] };
  const d = body.detail.find((r) => r.roomId === roomId);
  assert.ok(d, `room ${roomId} in the detail`);
  return d;
}

describe("rooms across cores (two real mediasoup workers)", { skip }, () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ numWorkers: 2, configOverrides: { ROUTER_CONSUMER_THRESHOLD: 2 }, qualityIntervalMs: 60_000 });
  });
  after(async () => {
    await server?.close();
  });

  test("peers past the threshold go to the other worker; media is piped both ways", async () => {
    const roomId = "spread";
    const a = await joinedClient(server, roomId, "A", { recvBeforeJoin: true });
    const b = await joinedClient(server, roomId, "B", { recvBeforeJoin: true });
    let d = await detail(server, roomId);
    assert.deepEqual(
      d.routers.map((r) => r.worker).sort(),
      [0, 1],
      `the second peer already does not fit the first router: ${JSON.stringify(d)}`,
    );
    assert.deepEqual(d.routers.map((r) => r.peers), [1, 1]);

    // A (worker 0) publishes; B (worker 1) consumes it through a pipe, and the other way round
    const sendA = await a.client.ok("createTransport", { direction: "send" });
    const sendB = await b.client.ok("createTransport", { direction: "send" });
    const micA = (await a.client.ok("produce", { transportId: sendA.id, kind: "audio", rtpParameters: audioRtpParameters(1001), source: "mic" })).producerId;
    const camA = (
      await a.client.ok("produce", { transportId: sendA.id, kind: "video", rtpParameters: videoRtpParameters(1002), source: "camera" })
    ).producerId;
    const micB = (await b.client.ok("produce", { transportId: sendB.id, kind: "audio", rtpParameters: audioRtpParameters(2001), source: "mic" })).producerId;
    const micAtB = await b.client.waitFor("newConsumer", (n) => n.producerId === micA);
    await b.client.waitFor("newConsumer", (n) => n.producerId === camA);
    const micBAtA = await a.client.waitFor("newConsumer", (n) => n.producerId === micB);
    assert.equal(micAtB.data.peerId, a.peerId);
    await b.client.ok("resumeConsumer", { consumerId: micAtB.data.consumerId });
    await a.client.ok("resumeConsumer", { consumerId: micBAtA.data.consumerId });

    // a third peer: the room spans every worker, it goes where the load is lowest
    const c = await joinedClient(server, roomId, "C", { recvBeforeJoin: true });
    await c.client.waitFor("newConsumer", (n) => n.producerId === micA);
    await c.client.waitFor("newConsumer", (n) => n.producerId === micB);
    d = await detail(server, roomId);
    assert.equal(d.routers.length, 2, "no third router: two workers");
    assert.equal(d.routers.reduce((n, r) => n + r.peers, 0), 3);

    // pause and close travel through the pipe
    await a.client.ok("pauseProducer", { producerId: micA });
    await b.client.waitFor("consumerPaused", (n) => n.consumerId === micAtB.data.consumerId);
    await a.client.ok("resumeProducer", { producerId: micA });
    await b.client.waitFor("consumerResumed", (n) => n.consumerId === micAtB.data.consumerId);
    await a.client.ok("closeProducer", { producerId: camA });
    const camAtB = b.client.notifications.find((n) => n.notification === "newConsumer" && n.data.producerId === camA)!;
    await b.client.waitFor("consumerClosed", (n) => n.consumerId === camAtB.data.consumerId);

    for (const p of [a, b, c]) await p.client.ok("leave", {});
    await Promise.all([a, b, c].map((p) => p.client.close()));
    await eventually(async () => (await server.stats()).rooms === 0, 3000, "room closed");
  });

  test("one worker dies: its peers set media up again, the others stay and get their media back", async () => {
    const roomId = "half-dead";
    const a = await joinedClient(server, roomId, "A", { recvBeforeJoin: true });
    const b = await joinedClient(server, roomId, "B", { recvBeforeJoin: true });
    const d = await detail(server, roomId);
    assert.equal(d.routers.length, 2);
    const sendA = await a.client.ok("createTransport", { direction: "send" });
    const sendB = await b.client.ok("createTransport", { direction: "send" });
    const micA = (await a.client.ok("produce", { transportId: sendA.id, kind: "audio", rtpParameters: audioRtpParameters(3001), source: "mic" })).producerId;
    const micB = (await b.client.ok("produce", { transportId: sendB.id, kind: "audio", rtpParameters: audioRtpParameters(3002), source: "mic" })).producerId;
    const micBAtA = await a.client.waitFor("newConsumer", (n) => n.producerId === micB);
    await b.client.waitFor("newConsumer", (n) => n.producerId === micA);

    // B is homed on the router that was opened second: kill that router's worker
    const room = server.signaling.registry.get(roomId)!;
    const bWorker = room.routers.list[1].workerIndex;
    const pid = server.signaling.pool.workers.find((w) => w.index === bWorker)!.worker.pid;
    process.kill(pid, "SIGKILL");
    await b.client.waitFor("mediaReset", () => true, 10_000);
    const sinceReset = b.client.notifications.length;
    // A stays: no reset, but its consumer of B's mic is gone
    await a.client.waitFor("consumerClosed", (n) => n.consumerId === micBAtA.data.consumerId, 10_000);
    assert.equal(a.client.count("mediaReset"), 0, "A's worker is alive: A keeps its media");
    let s = await server.stats();
    assert.equal(s.joinedPeers, 2);
    assert.equal(s.producers, 1, "A's mic is still there");

    // B sets up again (on whatever router is live now) and both directions work again
    await b.client.ok("createTransport", { direction: "recv" });
    await eventually(
      () => b.client.notifications.slice(sinceReset).some((n) => n.notification === "newConsumer" && n.data.producerId === micA),
      5000,
      "B consumes A's mic again on its new router",
    );
    const sendB2 = await b.client.ok("createTransport", { direction: "send" });
    const micB2 = (await b.client.ok("produce", { transportId: sendB2.id, kind: "audio", rtpParameters: audioRtpParameters(3003), source: "mic" })).producerId;
    await a.client.waitFor("newConsumer", (n) => n.producerId === micB2, 5000);
    s = await server.stats();
    assert.deepEqual([s.joinedPeers, s.producers, s.consumers], [2, 2, 2]);
    await eventually(() => server.signaling.pool.workers.length === 2, 5000, "dead worker replaced");

    for (const p of [a, b]) await p.client.ok("leave", {});
    await Promise.all([a, b].map((p) => p.client.close()));
    await eventually(async () => (await server.stats()).rooms === 0, 3000, "room closed");
  });
});
