// Several nodes in one test process against a real Redis: two signaling servers (real
// mediasoup workers, no Next), each with its own shared-state connection, admission and
// registry heartbeat. Covers placement, WRONG_NODE, a meeting ended on one node closing its
// room on the other, TURN servers in createTransport, and death of a node whose heartbeats stop.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import pino from "pino";
import { signJoinToken, newGuestParticipantKey } from "@/lib/auth/join-token";
import { announceMeetingEnded, revokeJoinToken } from "@/lib/cluster/revocation";
import { placeParticipant, placeRoom } from "@/lib/cluster/placement";
import { installClusterContext, uninstallClusterContext, type ClusterContext } from "@/lib/shared-state/process";
import { createRedisSharedState } from "@/lib/shared-state/redis";
import type { SharedState } from "@/lib/shared-state/shared-state";
import type { ClusterEnvelope } from "@/lib/shared-state/event-bus";
import { iceServersFor } from "@/lib/turn/credentials";
import { createAdmission } from "@/server/cluster/admission";
import { ClusterNode } from "@/server/cluster/cluster-node";
import { followClusterEvents } from "@/server/cluster/room-events";
import { Cascade } from "@/server/cluster/cascade";
import { redisInstalled, startRedis, type RedisServer } from "./redis-server";
import { audioRtpParameters, startTestServer, TestClient, workerMissingReason, type TestServer } from "./sfu-test-helpers";

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
const skip = !redisInstalled() ? "redis-server is not installed (apt-get install redis-server)" : workerMissingReason() ?? false;

type TestNode = {
  id: string;
  state: SharedState;
  ctx: ClusterContext;
  server: TestServer;
  node: ClusterNode;
  deaths: string[];
  stopEvents: () => void;
};

const HEARTBEAT_MS = 100;
/** Beyond this many joined peers a node is full and a room's next participants go elsewhere. */
const MAX_PEERS_PER_NODE = 3;
const DEAD_AFTER_MS = 400;
const TURN = { urls: ["turn:turn.test:3478?transport=udp"], secret: "turn-secret-for-tests" };

let redis: RedisServer;
const nodes: TestNode[] = [];

async function startNode(id: string): Promise<TestNode> {
  const state = await createRedisSharedState({ url: redis.url, nodeId: id, prefix: "cl:" });
  const admission = createAdmission({ state, nodeId: id, clustered: true, placementTtlMs: 60_000, logger });
  let cascade: Cascade | null = null;
  // two workers and a tiny router threshold: a room's second peer already gets a router on
  // the other worker, so the cascade meets rooms spread over several routers (rooms across cores)
  const server = await startTestServer({
    numWorkers: 2,
    configOverrides: { ROUTER_CONSUMER_THRESHOLD: 1 },
    services: { admission, iceServers: (key) => iceServersFor(TURN, key) },
    observer: {
      peerJoined: (r, p) => cascade?.peerJoined(r, p),
      peerLeft: (r, p) => cascade?.peerLeft(r, p),
      qualitySample: () => {},
      roomClosed: (r) => cascade?.roomClosed(r),
    },
  });
  cascade = new Cascade({ state, nodeId: id, registry: server.signaling.registry, listenIp: "127.0.0.1", announcedAddress: "127.0.0.1", logger });
  cascade.start();
  const publicUrl = `http://127.0.0.1:${server.port}`;
  const ctx: ClusterContext = {
    state,
    nodeId: id,
    clustered: true,
    publicUrl,
    placementTtlMs: 60_000,
    heartbeatMs: HEARTBEAT_MS,
    maxPeersPerNode: MAX_PEERS_PER_NODE,
  };
  const deaths: string[] = [];
  const node = new ClusterNode({
    state,
    nodeId: id,
    publicUrl,
    rooms: server.signaling.registry,
    logger,
    heartbeatMs: HEARTBEAT_MS,
    deadAfterMs: DEAD_AFTER_MS,
    placementTtlMs: 60_000,
    onNodeDead: (dead) => void deaths.push(dead),
    onTick: (live) => cascade!.tick(live),
  });
  await node.start();
  const stopEvents = followClusterEvents({ events: state.events, rooms: server.signaling.registry, nodeId: id, logger });
  const n = { id, state, ctx, server, node, deaths, stopEvents: () => (stopEvents(), cascade!.stop()) };
  nodes.push(n);
  return n;
}

async function stopNode(n: TestNode): Promise<void> {
  n.stopEvents();
  await n.node.stop();
  await n.server.close();
  await n.state.close();
}

async function token(roomId: string, placement: { nodeId: string }, sub = newGuestParticipantKey()): Promise<string> {
  const t = await signJoinToken({ room: roomId, mid: roomId, sub, name: "P", host: false, guest: true, node: placement.nodeId });
  return t.token;
}

async function until(cond: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("several nodes on one Redis", { skip }, () => {
  let a: TestNode;
  let b: TestNode;
  const byId = (id: string) => nodes.find((n) => n.id === id)!;

  before(async () => {
    redis = await startRedis();
    a = await startNode("node-a");
    b = await startNode("node-b");
  });
  after(async () => {
    for (const n of nodes.splice(0)) await stopNode(n).catch(() => undefined);
    await redis?.stop();
  });

  test("a room is placed once: whichever node is asked, the same node and signaling URL", async () => {
    const fromA = await placeRoom(a.ctx, "meeting-1");
    const fromB = await placeRoom(b.ctx, "meeting-1");
    assert.deepEqual(fromB, fromA);
    const host = byId(fromA.nodeId);
    assert.equal(fromA.signalingUrl, `ws://127.0.0.1:${host.server.port}/ws`);
  });

  test("two meetings spread over the two nodes", async () => {
    const first = await placeRoom(a.ctx, "meeting-2");
    const second = await placeRoom(a.ctx, "meeting-3");
    assert.notEqual(first.nodeId, second.nodeId);
  });

  test("a token is accepted by the node it names and refused with WRONG_NODE by the other", async () => {
    const placement = await placeRoom(b.ctx, "meeting-4");
    const host = byId(placement.nodeId);
    const other = host === a ? b : a;
    const t = await token("meeting-4", placement);
    const wrong = await TestClient.connect(other.server.wsUrl);
    const refused = await wrong.fails("getRouterRtpCapabilities", { roomId: "meeting-4", token: t }, "WRONG_NODE");
    assert.match(refused.error!.message, /fetch a new join token/);
    await wrong.close();
    // a token that names the right node, but the room was moved meanwhile, is refused too
    const right = await TestClient.connect(host.server.wsUrl);
    await right.ok("getRouterRtpCapabilities", { roomId: "meeting-4", token: t });
    await right.close();
    await host.state.placement.move("meeting-4", host.id, other.id, 60_000);
    const late = await TestClient.connect(host.server.wsUrl);
    await late.fails("getRouterRtpCapabilities", { roomId: "meeting-4", token: t }, "WRONG_NODE");
    await late.close();
  });

  test("createTransport hands out TURN servers with this participant's credentials", async () => {
    const placement = await placeRoom(a.ctx, "meeting-5");
    const host = byId(placement.nodeId);
    const sub = newGuestParticipantKey();
    const c = await TestClient.connect(host.server.wsUrl);
    await c.ok("getRouterRtpCapabilities", { roomId: "meeting-5", token: await token("meeting-5", placement, sub) });
    const t = await c.ok("createTransport", { direction: "recv" });
    assert.equal(t.iceServers.length, 1);
    assert.deepEqual(t.iceServers[0].urls, TURN.urls);
    assert.match(t.iceServers[0].username, new RegExp(`^\\d+:${sub}$`));
    assert.ok(Number(t.iceServers[0].username.split(":")[0]) > Date.now() / 1000 + 3500, "valid for about an hour");
    await c.close();
  });

  test("cancelling a meeting on one node closes its room on the other and revokes its tokens", async () => {
    const placement = await placeRoom(a.ctx, "meeting-6");
    const host = byId(placement.nodeId);
    const other = host === a ? b : a;
    const t = await token("meeting-6", placement);
    const c = await TestClient.connect(host.server.wsUrl);
    await c.ok("getRouterRtpCapabilities", { roomId: "meeting-6", token: t });
    assert.ok(host.server.signaling.registry.get("meeting-6"));
    installClusterContext(other.ctx); // the cancel runs on the other node
    try {
      await announceMeetingEnded("meeting-6", "cancelled");
    } finally {
      uninstallClusterContext();
    }
    const closed = await c.closed;
    assert.match(closed.reason, /meeting cancelled/);
    assert.equal(host.server.signaling.registry.get("meeting-6"), undefined);
    const again = await TestClient.connect(host.server.wsUrl);
    const refused = await again.fails("getRouterRtpCapabilities", { roomId: "meeting-6", token: t }, "UNAUTHORIZED");
    assert.match(refused.error!.message, /ended/);
    await again.close();
  });

  test("a revoked join token is refused on every node; other tokens still work", async () => {
    const placement = await placeRoom(a.ctx, "meeting-10");
    const host = byId(placement.nodeId);
    const revoked = await signJoinToken({ room: "meeting-10", sub: "guest:x", name: "X", host: false, guest: true, node: placement.nodeId });
    installClusterContext(host === a ? b.ctx : a.ctx); // revoked through the other node
    try {
      await revokeJoinToken(revoked.jti, revoked.expiresAt);
    } finally {
      uninstallClusterContext();
    }
    const c = await TestClient.connect(host.server.wsUrl);
    const refused = await c.fails("getRouterRtpCapabilities", { roomId: "meeting-10", token: revoked.token }, "UNAUTHORIZED");
    assert.match(refused.error!.message, /revoked/);
    await c.ok("getRouterRtpCapabilities", { roomId: "meeting-10", token: await token("meeting-10", placement) });
    await c.close();
  });

  test("a node whose heartbeats stop is declared dead; its rooms move to a live node", async () => {
    const c = await startNode("node-c");
    // place a room on node-c for sure: c is the only node with no rooms at all
    const placement = await placeRoom(c.ctx, "meeting-7");
    assert.equal(placement.nodeId, "node-c");
    const client = await TestClient.connect(c.server.wsUrl);
    await client.ok("getRouterRtpCapabilities", { roomId: "meeting-7", token: await token("meeting-7", placement) });
    await c.node.tick(); // the live room's placement is refreshed by its node
    const seen: ClusterEnvelope[] = [];
    const off = a.state.events.subscribe((e) => seen.push(e));

    // "crash": node-c's Redis connection goes away mid-flight, so its heartbeats stop
    const diedAt = Date.now();
    c.stopEvents();
    await c.state.close();
    await until(async () => (await a.state.placement.get("meeting-7")) !== "node-c", DEAD_AFTER_MS + 2000, "re-placement");
    const elapsed = Date.now() - diedAt;
    assert.ok(elapsed < DEAD_AFTER_MS + 1000, `re-placed after ${elapsed} ms`);
    const newHost = await a.state.placement.get("meeting-7");
    assert.ok(newHost === "node-a" || newHost === "node-b", `placed on ${newHost}`);
    assert.equal([...a.deaths, ...b.deaths].filter((d) => d === "node-c").length, 1, "exactly one node handled the death");
    await until(() => seen.some((e) => e.event.type === "nodeDead"), 2000, "nodeDead event");
    assert.deepEqual(seen.find((e) => e.event.type === "nodeDead")!.event, { type: "nodeDead", nodeId: "node-c", rooms: ["meeting-7"] });
    off();
    // a fresh token for the room names the new host, which accepts it
    const again = await placeRoom(b.ctx, "meeting-7");
    assert.equal(again.nodeId, newHost);
    const host = byId(newHost!);
    const rejoin = await TestClient.connect(host.server.wsUrl);
    await rejoin.ok("getRouterRtpCapabilities", { roomId: "meeting-7", token: await token("meeting-7", again) });
    await rejoin.close();
    await client.close();
    nodes.splice(nodes.indexOf(c), 1);
    await c.node.stop();
    await c.server.close();
  });

  test("a room whose placement moved away is closed on its old node (split brain heals)", async () => {
    const placement = await placeRoom(a.ctx, "meeting-8");
    const host = byId(placement.nodeId);
    const other = host === a ? b : a;
    const c = await TestClient.connect(host.server.wsUrl);
    await c.ok("getRouterRtpCapabilities", { roomId: "meeting-8", token: await token("meeting-8", placement) });
    await host.node.tick();
    await other.state.placement.move("meeting-8", host.id, other.id, 60_000); // as if host had been declared dead
    await host.node.tick();
    const closed = await c.closed;
    assert.match(closed.reason, /moved to another node/);
  });

  test("a client that cannot reach a node whose heartbeat is late moves the room at once", async () => {
    // node-z: registered (its entry has not expired yet) and hosting the room
    const z = (heartbeatAt: number) =>
      a.state.nodes.heartbeat({ id: "node-z", publicUrl: "http://127.0.0.1:9", state: "ready", peers: 0, rooms: 0, startedAt: 0, heartbeatAt }, 60_000);
    const zUrl = "ws://127.0.0.1:9/ws";
    await z(Date.now());
    await a.state.placement.claim("meeting-9", "node-z", 60_000);
    // a healthy host (fresh heartbeat): the hint alone changes nothing
    assert.equal((await placeRoom(b.ctx, "meeting-9", { unreachable: zUrl })).nodeId, "node-z");
    // its heartbeat is late (it hangs, or died a moment ago): without the hint it stays...
    await z(Date.now() - 10 * HEARTBEAT_MS);
    assert.equal((await placeRoom(b.ctx, "meeting-9")).nodeId, "node-z");
    // ...a hint naming another URL is ignored...
    assert.equal((await placeRoom(b.ctx, "meeting-9", { unreachable: "ws://elsewhere/ws" })).nodeId, "node-z");
    // ...and the hint of a client that could not reach it moves the room now
    const moved = await placeRoom(b.ctx, "meeting-9", { unreachable: zUrl });
    assert.ok(moved.nodeId === "node-a" || moved.nodeId === "node-b", moved.nodeId);
    assert.equal(await a.state.placement.get("meeting-9"), moved.nodeId);
    await a.state.nodes.remove("node-z");
  });

  test("a room cascaded over two nodes: each side gets the other's participants and media", async () => {
    // fill the home node: MAX_PEERS_PER_NODE joined peers there
    const first = await placeParticipant(a.ctx, "casc-1");
    const home = byId(first.nodeId);
    const edgeNode = home === a ? b : a;
    const joinAt = async (n: TestNode, name: string, roomToken: string) => {
      const c = await TestClient.connect(n.server.wsUrl);
      const { routerRtpCapabilities: caps } = await c.ok("getRouterRtpCapabilities", { roomId: "casc-1", token: roomToken });
      await c.ok("createTransport", { direction: "recv" });
      const send = await c.ok("createTransport", { direction: "send" });
      const join = await c.ok("join", { roomId: "casc-1", token: roomToken, displayName: name, rtpCapabilities: caps });
      return { c, send, join };
    };
    const homePeers = [];
    for (let i = 0; i < MAX_PEERS_PER_NODE; i++) homePeers.push(await joinAt(home, `H${i}`, await token("casc-1", first)));
    const h0 = homePeers[0];
    const h1 = homePeers[1];
    const homeRoom = home.server.signaling.registry.get("casc-1")!;
    assert.equal(homeRoom.routers.list.length, 2, "the home's room spans two routers (two workers)");
    const homeOf = (peerId: string) => homeRoom.peers.get(peerId)!.router;
    assert.notEqual(homeOf(h1.join.peerId), homeRoom.routers.primary, "H1 lives on the second router, not the cascade's");
    const { producerId: homeProducer } = await h0.c.ok("produce", { transportId: h0.send.id, kind: "audio", rtpParameters: audioRtpParameters(1111), source: "mic" });
    // H1's mic lives on the second router: it reaches the pipe on the primary through pipeToRouter
    const { producerId: secondRouterProducer } = await h1.c.ok("produce", { transportId: h1.send.id, kind: "audio", rtpParameters: audioRtpParameters(3333), source: "mic" });
    // the registry now says: home is full (a tick already running may have counted earlier)
    await home.node.tick();
    await home.node.tick();

    const next = await placeParticipant(b.ctx, "casc-1");
    assert.equal(next.nodeId, edgeNode.id, "the next participant goes to the other node");
    assert.equal(next.home, home.id);
    const e = await joinAt(edgeNode, "Edge", await token("casc-1", next));
    await edgeNode.node.tick(); // links the edge's copy of the room to the home
    // the edge participant gets the home's participants and a consumer of H0's mic
    await e.c.waitFor("newConsumer", (d) => d.producerId === homeProducer, 5000);
    await e.c.waitFor("newConsumer", (d) => d.producerId === secondRouterProducer, 5000);
    const names = new Set([...e.join.peers.map((p: { displayName: string }) => p.displayName), ...e.c.notifications.filter((n) => n.notification === "peerJoined").map((n) => n.data.peer.displayName)]);
    for (let i = 0; i < MAX_PEERS_PER_NODE; i++) assert.ok(names.has(`H${i}`), `the edge participant sees H${i}`);
    // and the other way round: the edge's mic reaches the home's participants
    await e.c.ok("produce", { transportId: e.send.id, kind: "audio", rtpParameters: audioRtpParameters(2222), source: "mic" });
    await h0.c.waitFor("peerJoined", (d) => d.peer.displayName === "Edge", 5000);
    const edgeConsumer = await h0.c.waitFor("newConsumer", (d) => d.kind === "audio" && d.peerId !== h1.join.peerId, 5000);
    // and to the home peer on the second router (piped on from the primary)
    await h1.c.waitFor("newConsumer", (d) => d.peerId === edgeConsumer.data.peerId, 5000);
    // pause follows across the pipe
    await h0.c.ok("pauseProducer", { producerId: homeProducer });
    const edgeView = await e.c.waitFor("newConsumer", (d) => d.producerId === homeProducer);
    await e.c.waitFor("consumerPaused", (d) => d.consumerId === edgeView.data.consumerId, 5000);
    // the edge participant leaves: gone at the home too
    await e.c.ok("leave", {});
    await e.c.close();
    await h0.c.waitFor("peerLeft", (d) => d.peerId === edgeConsumer.data.peerId, 5000);
    for (const hp of homePeers) await hp.c.close();
  });

  test("a full home whose heartbeat is late gets no edge (it may be dying): the room is not cut in two", async () => {
    const z = (heartbeatAt: number) =>
      a.state.nodes.heartbeat({ id: "node-y", publicUrl: "http://127.0.0.1:8", state: "ready", peers: MAX_PEERS_PER_NODE, rooms: 1, startedAt: 0, heartbeatAt }, 60_000);
    await z(Date.now() - 10 * HEARTBEAT_MS);
    await a.state.placement.claim("casc-2", "node-y", 60_000);
    assert.equal((await placeParticipant(b.ctx, "casc-2")).nodeId, "node-y", "late: no edge");
    await z(Date.now());
    const edge = await placeParticipant(b.ctx, "casc-2");
    assert.notEqual(edge.nodeId, "node-y", "fresh and full: an edge");
    assert.equal(edge.home, "node-y");
    await a.state.nodes.remove("node-y");
  });

  test("a draining node gets no new rooms", async () => {
    // (last test: node-a stays draining)
    await a.node.drain();
    for (let i = 0; i < 3; i++) {
      const p = await placeRoom(a.ctx, `drain-${i}`);
      assert.equal(p.nodeId, "node-b");
    }
  });
});
