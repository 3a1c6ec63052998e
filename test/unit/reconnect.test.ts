// The server side of "calls that survive": reconnect grace, the resume protocol (right and
// wrong secret, expired grace, a newer socket superseding an old one), duplicate identity,
// the history's view of all that, and socket hygiene (auth timeout, Origin, caps, liveness,
// fan-out limit). Real mediasoup worker, real signaling server, raw WebSocket clients.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { CLOSE_CODES, responseSchemas } from "../../lib/signaling/protocol";
import { newGuestParticipantKey } from "../../lib/auth/join-token";
import { verifyRejoinTicket } from "../../lib/rooms/rejoin-ticket";
import type { ObservedPeer, RoomObserver } from "../../server/rooms/room-observer";
import {
  audioRtpParameters,
  eventually,
  joinedClient,
  startTestServer,
  TestClient,
  tokenFor,
  workerMissingReason,
  type TestServer,
} from "./sfu-test-helpers";

const skip = workerMissingReason() ?? false;

type Event = { what: string; peer?: string; key?: string; disconnectedAt?: Date | null };

function recordingObserver(events: Event[]): RoomObserver {
  const rec = (what: string) => (_room: string, p: ObservedPeer) => {
    events.push({ what, peer: p.id, key: p.participantKey, disconnectedAt: p.disconnectedAt });
  };
  return {
    peerJoined: rec("joined"),
    peerLeft: rec("left"),
    peerReconnecting: rec("reconnecting"),
    peerReconnected: rec("reconnected"),
    qualitySample() {},
    roomClosed: () => void events.push({ what: "roomClosed" }),
  };
}

/** Drops a socket the way a dead network does: no close frame, the server just loses it. */
function cutSocket(c: TestClient): void {
  c.ws.terminate();
}

describe("reconnect grace and resume (real mediasoup worker)", { skip }, () => {
  let server: TestServer;
  const events: Event[] = [];

  before(async () => {
    server = await startTestServer({ reconnectGraceMs: 1500, observer: recordingObserver(events) });
  });
  after(async () => {
    await server?.close();
  });

  test("a lost socket keeps the peer; resume restores it with a snapshot of what it missed", async () => {
    const roomId = "resume-ok";
    const a = await joinedClient(server, roomId, "Ann", { recvBeforeJoin: true });
    const b = await joinedClient(server, roomId, "Bob", { recvBeforeJoin: true });
    assert.ok(responseSchemas.join.safeParse(a.join).success, "join reply matches its schema");
    const ticket = await verifyRejoinTicket(a.join.rejoinTicket, roomId);
    assert.ok(ticket && ticket.guest, "the join reply carries a rejoin ticket for this room");
    const sendA = await a.client.ok("createTransport", { direction: "send" });
    const { producerId: micA } = await a.client.ok("produce", {
      transportId: sendA.id, kind: "audio", rtpParameters: audioRtpParameters(1111), source: "mic",
    });
    await b.client.waitFor("newConsumer", (n) => n.producerId === micA);

    cutSocket(a.client);
    await b.client.waitFor("peerReconnecting", (n) => n.peerId === a.peerId);
    let s = await server.stats();
    assert.equal(s.reconnectingPeers, 1);
    assert.equal(s.producers, 1, "A's producer stays while it is away");

    // B publishes while A is away: A's consumer is created, the notification is missed
    const sendB = await b.client.ok("createTransport", { direction: "send" });
    const { producerId: micB } = await b.client.ok("produce", {
      transportId: sendB.id, kind: "audio", rtpParameters: audioRtpParameters(2222), source: "mic",
    });
    await eventually(async () => (await server.stats()).consumers === 2, 2000, "A's consumer of B created while away");

    const again = await TestClient.connect(server.wsUrl);
    const snap = await again.ok("resume", { roomId, peerId: a.peerId, secret: a.join.resumeSecret });
    assert.ok(responseSchemas.resume.safeParse(snap).success, JSON.stringify(snap).slice(0, 300));
    assert.equal(snap.peerId, a.peerId);
    assert.deepEqual(snap.peers.map((p: { id: string }) => p.id), [b.peerId]);
    assert.deepEqual(snap.consumers.map((c: { producerId: string }) => c.producerId), [micB]);
    assert.deepEqual(snap.producers.map((p: { id: string }) => p.id), [micA]);
    assert.deepEqual(snap.transports.map((t: { direction: string }) => t.direction).sort(), ["recv", "send"]);
    await b.client.waitFor("peerReconnected", (n) => n.peerId === a.peerId);
    // the resumed socket drives the same peer
    await again.ok("resumeConsumer", { consumerId: snap.consumers[0].consumerId });
    s = await server.stats();
    assert.equal(s.reconnectingPeers, 0);
    assert.equal(s.joinedPeers, 2);

    const mine = events.filter((e) => e.peer === a.peerId).map((e) => e.what);
    assert.deepEqual(mine, ["joined", "reconnecting", "reconnected"], "no leave/join around a resume");
    await again.ok("leave", {});
    await b.client.ok("leave", {});
    await Promise.all([again.close(), b.client.close()]);
  });

  test("wrong secret, unknown peer, expired grace: RESUME_FAILED; grace expiry removes the peer", async () => {
    const roomId = "resume-fail";
    const a = await joinedClient(server, roomId, "Ann");
    const b = await joinedClient(server, roomId, "Bob");
    cutSocket(a.client);
    await b.client.waitFor("peerReconnecting", (n) => n.peerId === a.peerId);
    const c = await TestClient.connect(server.wsUrl);
    await c.fails("resume", { roomId, peerId: a.peerId, secret: "x".repeat(32) }, "RESUME_FAILED");
    await c.fails("resume", { roomId, peerId: b.peerId, secret: a.join.resumeSecret }, "RESUME_FAILED");
    await c.fails("resume", { roomId: "no-such-room", peerId: a.peerId, secret: a.join.resumeSecret }, "RESUME_FAILED");
    assert.equal((await server.stats()).reconnectingPeers, 1, "failed resumes leave the peer in its grace period");

    const left = await b.client.waitFor("peerLeft", (n) => n.peerId === a.peerId, 4000);
    assert.ok(left);
    const leftEvent = events.find((e) => e.what === "left" && e.peer === a.peerId);
    assert.ok(leftEvent?.disconnectedAt instanceof Date, "the history learns when the socket was lost");
    await c.fails("resume", { roomId, peerId: a.peerId, secret: a.join.resumeSecret }, "RESUME_FAILED");
    await b.client.ok("leave", {});
    await Promise.all([c.close(), b.client.close()]);
  });

  test("a resume on a new socket supersedes an old socket that has not noticed yet", async () => {
    const roomId = "resume-supersede";
    const a = await joinedClient(server, roomId, "Ann");
    const b = await joinedClient(server, roomId, "Bob");
    const again = await TestClient.connect(server.wsUrl);
    await again.ok("resume", { roomId, peerId: a.peerId, secret: a.join.resumeSecret });
    const closed = await a.client.closed;
    assert.equal(closed.code, CLOSE_CODES.superseded);
    assert.equal(b.client.count("peerReconnecting"), 0, "the peer never looked away to the others");
    assert.equal((await server.stats()).reconnectingPeers, 0, "closing the old socket does not suspend the peer");
    await again.ok("leave", {});
    await b.client.ok("leave", {});
    await Promise.all([again.close(), b.client.close()]);
  });

  test("the same participant joining again replaces the old peer at once (no ghost)", async () => {
    const roomId = "dup";
    const sub = newGuestParticipantKey();
    const first = await joinedClient(server, roomId, "Ann", { sub });
    const b = await joinedClient(server, roomId, "Bob");
    cutSocket(first.client); // e.g. a restarted page: the old peer is in its grace period
    await b.client.waitFor("peerReconnecting", (n) => n.peerId === first.peerId);
    const second = await joinedClient(server, roomId, "Ann", { sub });
    await b.client.waitFor("peerLeft", (n) => n.peerId === first.peerId);
    await b.client.waitFor("peerJoined", (n) => n.peer.id === second.peerId);
    const s = await server.stats();
    assert.equal(s.joinedPeers, 2);
    assert.equal(s.reconnectingPeers, 0);
    // a live duplicate (another tab) is told why it was closed, and must not come back by itself
    const third = await joinedClient(server, roomId, "Ann", { sub });
    const closed = await second.client.closed;
    assert.equal(closed.code, CLOSE_CODES.replaced);
    const keyEvents = events.filter((e) => e.key === sub).map((e) => e.what);
    assert.deepEqual(keyEvents, ["joined", "reconnecting", "left", "joined", "left", "joined"]);
    await third.client.ok("leave", {});
    await b.client.ok("leave", {});
    await Promise.all([third.client.close(), b.client.close()]);
  });

  test("media changes that notify everyone are rate-limited per peer", async () => {
    const roomId = "fanout";
    const a = await joinedClient(server, roomId, "Ann");
    const send = await a.client.ok("createTransport", { direction: "send" });
    const { producerId } = await a.client.ok("produce", {
      transportId: send.id, kind: "audio", rtpParameters: audioRtpParameters(3333), source: "mic",
    });
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        a.client.request(i % 2 ? "resumeProducer" : "pauseProducer", { producerId }),
      ),
    );
    const limited = replies.filter((r) => !r.ok && r.error?.code === "RATE_LIMITED").length;
    assert.ok(limited >= 15, `${limited} of 40 pause/resume requests refused`);
    assert.ok(replies.filter((r) => r.ok).length >= 15, "the first ones go through");
    await a.client.ok("leave", {});
    await a.client.close();
  });
});

describe("socket hygiene", { skip }, () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({
      limits: { authTimeoutMs: 400 },
      config: {
        NUM_WORKERS: 1,
        RTC_MIN_PORT: 42000 + Math.floor(Math.random() * 20000),
        LISTEN_IP: "127.0.0.1",
        ANNOUNCED_ADDRESS: "127.0.0.1",
        MAX_PEERS_PER_ROOM: 10,
        WS_MAX_UNAUTHENTICATED_PER_IP: 5,
        WS_MAX_UNAUTHENTICATED: 8,
        ALLOWED_ORIGINS: ["https://embed.example"],
      },
    });
  });
  after(async () => {
    await server?.close();
  });

  /** Status of a refused upgrade, or "open". */
  function tryOpen(headers: Record<string, string> = {}): Promise<{ status: number | "open"; ws?: WebSocket }> {
    return new Promise((resolve) => {
      const ws = new WebSocket(server.wsUrl, { headers });
      ws.once("open", () => resolve({ status: "open", ws }));
      ws.once("unexpected-response", (_req, res) => resolve({ status: res.statusCode ?? 0 }));
      ws.once("error", () => undefined);
    });
  }

  test("a socket that presents no join token is closed after the auth timeout", async () => {
    const c = await TestClient.connect(server.wsUrl);
    const closed = await c.closed;
    assert.equal(closed.code, CLOSE_CODES.authTimeout);
    assert.match(closed.reason, /join token/);
  });

  test("a socket with a valid token stays past the auth timeout", async () => {
    const c = await TestClient.connect(server.wsUrl);
    await c.ok("getRouterRtpCapabilities", { roomId: "hyg", token: await tokenFor("hyg") });
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(c.ws.readyState, WebSocket.OPEN);
    await c.close();
  });

  test("Origin: foreign refused (403); own, allow-listed and absent accepted", async () => {
    const host = `127.0.0.1:${server.port}`;
    assert.equal((await tryOpen({ Origin: "https://evil.example" })).status, 403);
    assert.equal((await tryOpen({ Origin: "null" })).status, 403);
    assert.equal((await tryOpen({ Origin: `http://127.0.0.2:${server.port}` })).status, 403);
    const accepted: Record<string, string>[] = [{ Origin: `http://${host}` }, { Origin: "https://embed.example" }, {}];
    for (const headers of accepted) {
      const r = await tryOpen(headers);
      assert.equal(r.status, "open", JSON.stringify(headers));
      r.ws!.close();
    }
  });

  test("unauthenticated sockets are capped per address and in total", async () => {
    // wait for the sockets of earlier tests to be gone
    await eventually(async () => (await server.stats()).unauthenticated === 0, 2000, "no waiting sockets");
    const open: WebSocket[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await tryOpen();
      assert.equal(r.status, "open");
      open.push(r.ws!);
    }
    assert.equal((await tryOpen()).status, 429, "6th unauthenticated socket from one address");
    // authenticating frees a place
    const authed = new TestClient_(open[0]);
    await authed.call("getRouterRtpCapabilities", { roomId: "caps", token: await tokenFor("caps") });
    const r = await tryOpen();
    assert.equal(r.status, "open");
    open.push(r.ws!);
    for (const ws of open) ws.close();
  });
});

/** Minimal request helper over an already open socket. */
class TestClient_ {
  private id = 1;
  constructor(private readonly ws: WebSocket) {}
  call(method: string, data: unknown): Promise<unknown> {
    const id = this.id++;
    return new Promise((resolve, reject) => {
      const onMessage = (raw: WebSocket.RawData) => {
        const msg = JSON.parse(raw.toString());
        if (msg.id !== id) return;
        this.ws.off("message", onMessage);
        if (msg.ok) resolve(msg.data);
        else reject(new Error(JSON.stringify(msg.error)));
      };
      this.ws.on("message", onMessage);
      this.ws.send(JSON.stringify({ id, method, data }));
    });
  }
}

describe("liveness: a pinging client that goes silent", { skip }, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ reconnectGraceMs: 60_000 });
  });
  after(async () => {
    await server?.close();
  });

  test("is dropped within the liveness timeout and its peer enters the grace period", async () => {
    const a = await joinedClient(server, "live", "Ann");
    const b = await joinedClient(server, "live", "Bob");
    await a.client.ok("ping", {});
    const silentSince = Date.now();
    // A stops sending anything (its network died) but its TCP socket stays open
    await b.client.waitFor("peerReconnecting", (n) => n.peerId === a.peerId, 6000);
    const took = Date.now() - silentSince;
    assert.ok(took < 5000, `detected after ${took} ms`);
    await b.client.ok("leave", {});
    await Promise.all([a.client.close(), b.client.close()]);
  });
});
