// Room bookkeeping against a REAL mediasoup worker, through the real signaling server (no
// Next). Skips (and says why) only when the worker binary has not been built.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { peerQualitySchema, responseSchemas } from "../../lib/signaling/protocol";
import {
  audioRtpParameters,
  eventually,
  joinedClient,
  startTestServer,
  TestClient,
  tokenFor,
  videoRtpParameters,
  workerMissingReason,
  type TestServer,
} from "./sfu-test-helpers";

const skip = workerMissingReason() ?? false;

describe("room bookkeeping (real mediasoup worker)", { skip }, () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ maxPeers: 3, qualityIntervalMs: 200, heartbeatIntervalMs: 300, reconnectGraceMs: 400 });
  });
  after(async () => {
    await server?.close();
  });

  test("tokens are checked before anything is bound", async () => {
    const c = await TestClient.connect(server.wsUrl);
    await c.fails("getRouterRtpCapabilities", { roomId: "r1", token: "x".repeat(40) }, "UNAUTHORIZED");
    await c.fails("getRouterRtpCapabilities", { roomId: "r1", token: await tokenFor("r2") }, "FORBIDDEN");
    await c.fails(
      "join",
      { roomId: "r1", token: await tokenFor("other"), displayName: "x", rtpCapabilities: { codecs: [] } },
      "FORBIDDEN",
    );
    await c.fails("createTransport", { direction: "send" }, "NOT_JOINED");
    await c.fails("produce", { transportId: "t", kind: "audio", rtpParameters: audioRtpParameters(1), source: "mic" }, "NOT_JOINED");
    await c.fails("resumeConsumer", { consumerId: "c" }, "NOT_JOINED");
    assert.deepEqual(await c.ok("leave", {}), {}); // leave while unbound is harmless
    assert.equal((await server.stats()).rooms, 0, "no room was created by refused requests");
    await c.close();
  });

  test("two peers, transports, producers, consumers, pause/resume, leave frees everything", async () => {
    const roomId = "room-main";
    // --- A warms up, creates transports before join, joins
    const a = await TestClient.connect(server.wsUrl);
    const tokenA = await tokenFor(roomId, { host: true, name: "Alice" });
    const caps = (await a.ok("getRouterRtpCapabilities", { roomId, token: tokenA })).routerRtpCapabilities;
    assert.ok(caps.codecs.some((c: { mimeType: string }) => c.mimeType === "audio/opus"));
    for (const mime of ["video/VP8", "video/VP9", "video/H264"]) {
      assert.ok(caps.codecs.some((c: { mimeType: string }) => c.mimeType === mime), mime);
    }
    const [sendA, recvA] = await Promise.all([
      a.ok("createTransport", { direction: "send" }),
      a.ok("createTransport", { direction: "recv" }),
    ]);
    assert.ok(responseSchemas.createTransport.safeParse(sendA).success);
    assert.ok(sendA.iceCandidates.length >= 2, "udp + tcp candidates");
    assert.ok(sendA.iceCandidates.every((c: { address: string }) => c.address === "127.0.0.1"));
    await a.fails("createTransport", { direction: "send" }, "BAD_REQUEST");
    await a.fails(
      "produce",
      { transportId: sendA.id, kind: "audio", rtpParameters: audioRtpParameters(1111), source: "mic" },
      "NOT_JOINED",
    );
    let s = await server.stats();
    assert.equal(s.rooms, 1);
    assert.equal(s.peers, 1);
    assert.equal(s.transports, 2);

    const joinA = await a.ok("join", { roomId, token: tokenA, displayName: " Alice ", rtpCapabilities: caps });
    assert.ok(responseSchemas.join.safeParse(joinA).success);
    assert.equal(joinA.isHost, true);
    assert.deepEqual(joinA.peers, []);
    await a.fails("join", { roomId, token: tokenA, displayName: "Alice", rtpCapabilities: caps }, "ALREADY_JOINED");

    // --- A produces audio + video (fake RTP parameters; no media needs to flow)
    const mic = (await a.ok("produce", { transportId: sendA.id, kind: "audio", rtpParameters: audioRtpParameters(1111), source: "mic" })).producerId;
    const cam = (await a.ok("produce", { transportId: sendA.id, kind: "video", rtpParameters: videoRtpParameters(2222), source: "camera", paused: true })).producerId;
    await a.fails("produce", { transportId: recvA.id, kind: "audio", rtpParameters: audioRtpParameters(3333), source: "mic" }, "BAD_REQUEST");
    await a.fails("produce", { transportId: sendA.id, kind: "audio", rtpParameters: audioRtpParameters(4444), source: "mic" }, "BAD_REQUEST");
    await a.fails("produce", { transportId: sendA.id, kind: "video", rtpParameters: videoRtpParameters(5555), source: "mic" }, "BAD_REQUEST");
    await a.fails(
      "produce",
      { transportId: sendA.id, kind: "audio", rtpParameters: { codecs: [{ mimeType: "audio/G722", payloadType: 9, clockRate: 8000 }], encodings: [{ ssrc: 6 }] }, source: "screen" },
      "UNSUPPORTED",
    );

    // --- B has a recv transport before join: the update step on join gives it consumers
    const b = await joinedClient(server, roomId, "Bob", { recvBeforeJoin: true });
    assert.equal(b.join.isHost, false);
    assert.equal(b.join.peers.length, 1);
    assert.equal(b.join.peers[0].id, joinA.peerId);
    assert.equal(b.join.peers[0].displayName, "Alice");
    assert.deepEqual(
      b.join.peers[0].producers.map((p: { source: string; paused: boolean }) => [p.source, p.paused]).sort(),
      [["camera", true], ["mic", false]],
    );
    const joinedNote = await a.waitFor("peerJoined");
    assert.equal(joinedNote.data.peer.id, b.peerId);
    assert.equal(joinedNote.data.peer.displayName, "Bob");
    const micForB = await b.client.waitFor("newConsumer", (d) => d.producerId === mic);
    const camForB = await b.client.waitFor("newConsumer", (d) => d.producerId === cam);
    assert.equal(micForB.data.peerId, joinA.peerId);
    assert.equal(micForB.data.kind, "audio");
    assert.equal(micForB.data.source, "mic");
    assert.equal(camForB.data.producerPaused, true);
    assert.equal(a.count("newConsumer"), 0, "A has no consumers of its own producers");

    // consumers start paused on the server; the client resumes them
    await b.client.ok("resumeConsumer", { consumerId: micForB.data.consumerId });
    await b.client.ok("resumeConsumer", { consumerId: camForB.data.consumerId });
    await b.client.ok("setConsumerPreferredLayers", { consumerId: camForB.data.consumerId, spatialLayer: 0 });
    await a.fails("resumeConsumer", { consumerId: micForB.data.consumerId }, "FORBIDDEN");
    await a.fails("resumeConsumer", { consumerId: "nope" }, "NOT_FOUND");
    await b.client.fails("closeProducer", { producerId: mic }, "FORBIDDEN");
    await b.client.fails("pauseProducer", { producerId: "nope" }, "NOT_FOUND");
    await b.client.fails("connectTransport", { transportId: sendA.id, dtlsParameters: { role: "client", fingerprints: [{ algorithm: "sha-256", value: "00" }] } }, "FORBIDDEN");
    await b.client.fails("restartIce", { transportId: recvA.id }, "FORBIDDEN");
    await b.client.fails("restartIce", { transportId: "nope" }, "NOT_FOUND");
    const ice = await a.ok("restartIce", { transportId: sendA.id });
    assert.ok(ice.iceParameters.usernameFragment);

    // producer pause/resume -> consumerPaused/consumerResumed
    await a.ok("resumeProducer", { producerId: cam });
    await b.client.waitFor("consumerResumed", (d) => d.consumerId === camForB.data.consumerId);
    await a.ok("pauseProducer", { producerId: mic });
    await b.client.waitFor("consumerPaused", (d) => d.consumerId === micForB.data.consumerId);
    assert.equal((await server.stats()).pausedProducers, 1, "the stats count the paused producer");
    await a.ok("resumeProducer", { producerId: mic });
    assert.equal((await server.stats()).pausedProducers, 0);

    // --- C joins first, creates its recv transport after: update step on createTransport
    const c = await joinedClient(server, roomId, "Carol");
    assert.equal(c.join.peers.length, 2);
    assert.equal(c.client.count("newConsumer"), 0);
    await c.client.ok("createTransport", { direction: "recv" });
    await c.client.waitFor("newConsumer", (d) => d.producerId === mic);
    await c.client.waitFor("newConsumer", (d) => d.producerId === cam);

    // --- room full (MAX_PEERS_PER_ROOM = 3 in this test)
    const d = await TestClient.connect(server.wsUrl);
    const tokenD = await tokenFor(roomId);
    await d.ok("getRouterRtpCapabilities", { roomId, token: tokenD });
    await d.fails("join", { roomId, token: tokenD, displayName: "Dan", rtpCapabilities: caps }, "ROOM_FULL");
    await d.close();

    // --- a producer made by B reaches A and C
    const sendB = await b.client.ok("createTransport", { direction: "send" });
    const micB = (await b.client.ok("produce", { transportId: sendB.id, kind: "audio", rtpParameters: audioRtpParameters(7777), source: "mic" })).producerId;
    await c.client.waitFor("newConsumer", (n) => n.producerId === micB);
    await a.waitFor("newConsumer", (n) => n.producerId === micB && n.peerId === b.peerId);
    assert.equal(b.client.notifications.filter((n) => n.notification === "newConsumer" && n.data.producerId === micB).length, 0);

    s = await server.stats();
    assert.equal(s.peers, 3);
    assert.equal(s.producers, 3);
    assert.equal(s.consumers, 6, "B: A's mic+cam, C: A's mic+cam + B's mic, A: B's mic");

    // --- quality updates arrive and match the schema
    const q = await a.waitFor("qualityUpdate", (d) => d.peers.length === 3, 3000);
    for (const p of q.data.peers) assert.ok(peerQualitySchema.safeParse(p).success, JSON.stringify(p));

    // --- closeProducer -> consumerClosed for everyone consuming it
    await a.ok("closeProducer", { producerId: cam });
    await b.client.waitFor("consumerClosed", (n) => n.consumerId === camForB.data.consumerId);
    await a.fails("closeProducer", { producerId: cam }, "NOT_FOUND");

    // --- A leaves: others get peerLeft + consumerClosed; A's transports are gone
    await a.ok("leave", {});
    await b.client.waitFor("peerLeft", (n) => n.peerId === joinA.peerId);
    await c.client.waitFor("peerLeft", (n) => n.peerId === joinA.peerId);
    await b.client.waitFor("consumerClosed", (n) => n.consumerId === micForB.data.consumerId);
    await eventually(async () => (await server.stats()).transports === 3, 3000, "A's transports freed");
    s = await server.stats();
    assert.equal(s.peers, 2);
    assert.equal(s.producers, 1);
    assert.equal(s.consumers, 1, "only C consumes B's mic now");
    await a.fails("createTransport", { direction: "send" }, "NOT_JOINED");

    // --- the rest disconnect (socket close, no leave): kept for the grace period, then
    // everything freed and the room closed
    const room = server.signaling.registry.get(roomId)!;
    assert.ok(room && !room.closed);
    await Promise.all([b.client.close(), c.client.close(), a.close()]);
    await eventually(async () => (await server.stats()).reconnectingPeers === 2, 1000, "B and C in their grace period");
    await eventually(async () => (await server.stats()).rooms === 0, 3000, "room closed after the grace period");
    assert.equal(room.closed, true);
    assert.deepEqual(
      { ...(await server.stats()), workers: 1, connections: 0 },
      {
        workers: 1,
        rooms: 0,
        peers: 0,
        joinedPeers: 0,
        reconnectingPeers: 0,
        transports: 0,
        producers: 0,
        pausedProducers: 0,
        consumers: 0,
        hiddenConsumers: 0,
        routers: 0,
        connections: 0,
        unauthenticated: 0,
      },
    );
  });

  test("a pre-joined socket keeps the room alive; its close removes it", async () => {
    const c = await TestClient.connect(server.wsUrl);
    await c.ok("getRouterRtpCapabilities", { roomId: "warm", token: await tokenFor("warm") });
    await c.ok("createTransport", { direction: "send" });
    let s = await server.stats();
    assert.equal(s.rooms, 1);
    assert.equal(s.joinedPeers, 0);
    await c.fails("getRouterRtpCapabilities", { roomId: "elsewhere", token: await tokenFor("elsewhere") }, "BAD_REQUEST");
    await c.close();
    await eventually(async () => (await server.stats()).rooms === 0, 3000, "warm room closed");
    s = await server.stats();
    assert.equal(s.transports, 0);
  });

  test("dead sockets (no pong) are terminated by the heartbeat and cleaned up", async () => {
    const other = await joinedClient(server, "hb", "Alive");
    const silent = await TestClient.connect(server.wsUrl, { autoPong: false });
    await silent.ok("getRouterRtpCapabilities", { roomId: "hb", token: await tokenFor("hb") });
    const closed = await silent.closed;
    assert.equal(closed.code, 1006, "terminated (no close frame)");
    await other.client.close();
    await eventually(async () => (await server.stats()).rooms === 0, 3000, "hb room closed");
  });

  test("a dying worker: the room moves to the replacement worker, peers stay and set their media up again", async () => {
    const a = await joinedClient(server, "doomed", "A", { recvBeforeJoin: true });
    const b = await joinedClient(server, "doomed", "B", { recvBeforeJoin: true });
    const sendA = await a.client.ok("createTransport", { direction: "send" });
    await a.client.ok("produce", { transportId: sendA.id, kind: "audio", rtpParameters: audioRtpParameters(4444), source: "mic" });
    await b.client.waitFor("newConsumer", (n) => n.peerId === a.peerId);
    const oldPid = server.signaling.pool.workers[0].worker.pid;
    process.kill(oldPid, "SIGKILL");
    // both are told, on the socket they keep
    await a.client.waitFor("mediaReset", () => true, 10_000);
    await b.client.waitFor("mediaReset", () => true, 10_000);
    assert.equal(server.signaling.pool.workers[0].worker.pid !== oldPid, true, "worker replaced");
    let s = await server.stats();
    assert.deepEqual([s.rooms, s.joinedPeers, s.transports, s.producers, s.consumers], [1, 2, 0, 0, 0]);
    // media set up again on the new router: B consumes A's new producer
    await b.client.ok("createTransport", { direction: "recv" });
    const sendA2 = await a.client.ok("createTransport", { direction: "send" });
    assert.notEqual(sendA2.id, sendA.id);
    const { producerId } = await a.client.ok("produce", {
      transportId: sendA2.id,
      kind: "audio",
      rtpParameters: audioRtpParameters(5555),
      source: "mic",
    });
    await b.client.waitFor("newConsumer", (n) => n.producerId === producerId);
    s = await server.stats();
    assert.deepEqual([s.rooms, s.joinedPeers, s.producers, s.consumers], [1, 2, 1, 1]);
    await a.client.ok("leave", {});
    await b.client.ok("leave", {});
    await Promise.all([a.client.close(), b.client.close()]);
    await eventually(async () => (await server.stats()).rooms === 0, 3000, "doomed room closed");
  });
});

describe("stats endpoint", () => {
  test("only loopback clients get stats", async () => {
    const { isLoopback } = await import("../../server/app");
    assert.ok(isLoopback("127.0.0.1"));
    assert.ok(isLoopback("::1"));
    assert.ok(isLoopback("::ffff:127.0.0.1"));
    assert.ok(!isLoopback("10.0.0.2"));
    assert.ok(!isLoopback(undefined));
  });
});
