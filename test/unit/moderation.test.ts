// Hands, host controls, lobby and the meeting lifecycle in a room, against a REAL mediasoup
// worker through the real signaling server (no Next). The meeting gate is a fake that says
// which settings each room has and records "end for everyone".
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CLOSE_CODES, responseSchemas, notificationSchemas } from "../../lib/signaling/protocol";
import pino from "pino";
import { signIngestToken } from "../../lib/ingest/ingest-token";
import { MemoryEventBus } from "../../lib/shared-state/event-bus";
import { followClusterEvents } from "../../server/cluster/room-events";
import type { MeetingGate } from "../../server/rooms/meeting-gate";
import { DEFAULT_ROOM_SETTINGS, type RoomSettings } from "../../server/rooms/room-lobby";
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

const settingsByRoom = new Map<string, RoomSettings>();
const endedRooms: string[] = [];
const gate: MeetingGate = {
  async check(claims) {
    return { ok: true, settings: settingsByRoom.get(claims.room) ?? DEFAULT_ROOM_SETTINGS };
  },
  async endMeeting(id) {
    endedRooms.push(id);
  },
};

type Joined = Awaited<ReturnType<typeof joinedClient>>;

/** Connects, warms up and sends join; returns the raw join reply (joined or waiting). */
async function knock(server: TestServer, roomId: string, name: string, opts: { sub?: string; host?: boolean } = {}) {
  const client = await TestClient.connect(server.wsUrl);
  const token = await tokenFor(roomId, { name, ...opts });
  const { routerRtpCapabilities: caps } = await client.ok("getRouterRtpCapabilities", { roomId, token });
  const reply = await client.ok("join", { roomId, token, displayName: name, rtpCapabilities: caps });
  assert.ok(responseSchemas.join.safeParse(reply).success, JSON.stringify(reply));
  return { client, reply, caps };
}

async function produceMic(p: Joined): Promise<string> {
  const send = await p.client.ok("createTransport", { direction: "send" });
  return (await p.client.ok("produce", { transportId: send.id, kind: "audio", rtpParameters: audioRtpParameters(Math.floor(Math.random() * 1e6)), source: "mic" })).producerId;
}

async function roomReport(server: TestServer, roomId: string) {
  const res = await fetch(`http://127.0.0.1:${server.port}/api/sfu/stats?room=${roomId}`);
  assert.equal(res.status, 200);
  return (await res.json()) as { locked: boolean; peers: { id: string; role: string; joined: boolean; waiting: string | null; producers: { id: string; source: string; paused: boolean }[] }[] };
}

describe("moderation (real mediasoup worker)", { skip }, () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ maxPeers: 10, heartbeatIntervalMs: 300, reconnectGraceMs: 400, gate });
  });
  after(async () => {
    await server?.close();
  });

  test("hands in the order raised, lowering (own; others' by hosts only), reactions to everyone", async () => {
    const room = "hands";
    const host = await joinedClient(server, room, "Host", { host: true });
    const b = await joinedClient(server, room, "Bea");
    const c = await joinedClient(server, room, "Cem");
    assert.equal(host.join.role, "host");
    assert.equal(b.join.role, "participant");
    assert.deepEqual(b.join.control, { locked: false, hands: [], lobby: [] });
    await c.client.ok("raiseHand", {});
    await b.client.ok("raiseHand", {});
    await c.client.ok("raiseHand", {}); // twice: keeps its place
    const order = (note: { data: { hands: { peerId: string }[] } }) => note.data.hands.map((h) => h.peerId);
    const seen = await host.client.waitFor("handsChanged", (d) => d.hands.length === 2);
    assert.deepEqual(order(seen), [c.peerId, b.peerId]);
    await b.client.fails("lowerHand", { peerId: c.peerId }, "FORBIDDEN");
    await host.client.ok("lowerHand", { peerId: c.peerId });
    await b.client.waitFor("handsChanged", (d) => d.hands.length === 1 && d.hands[0].peerId === b.peerId);
    await b.client.ok("lowerHand", {});
    await c.client.waitFor("handsChanged", (d) => d.hands.length === 0);

    await b.client.ok("react", { reaction: "clap" });
    for (const p of [host, b, c]) {
      const r = await p.client.waitFor("reaction", (d) => d.peerId === b.peerId);
      assert.equal(r.data.reaction, "clap");
    }
    await b.client.fails("react", { reaction: "<script>" }, "BAD_REQUEST");
    // a late joiner sees the hands already up
    await c.client.ok("raiseHand", {});
    await host.client.waitFor("handsChanged", (d) => d.hands.length === 1);
    const late = await joinedClient(server, room, "Late");
    assert.deepEqual(late.join.control.hands.map((h: { peerId: string }) => h.peerId), [c.peerId]);
    // leaving lowers the hand
    await c.client.ok("leave", {});
    await late.client.waitFor("handsChanged", (d) => d.hands.length === 0);
    await Promise.all([host, b, c, late].map((p) => p.client.close()));
  });

  test("a participant's host-only requests are FORBIDDEN (and change nothing)", async () => {
    const room = "forbidden";
    const host = await joinedClient(server, room, "Host", { host: true });
    const guest = await joinedClient(server, room, "Gus");
    const other = await joinedClient(server, room, "Ola");
    const mic = await produceMic(other);
    const attempts: [string, unknown][] = [
      ["muteParticipant", { peerId: other.peerId, source: "mic" }],
      ["muteParticipant", { peerId: "no-such-peer", source: "mic" }],
      ["muteAll", {}],
      ["removeParticipant", { peerId: other.peerId }],
      ["removeParticipant", { peerId: host.peerId }],
      ["setRoomLock", { locked: true }],
      ["lobbyAdmit", { peerId: "x" }],
      ["lobbyAdmitAll", {}],
      ["lobbyDeny", { peerId: "x" }],
      ["setCoHost", { peerId: guest.peerId, cohost: true }],
      ["endMeeting", {}],
    ];
    for (const [method, data] of attempts) {
      const r = await guest.client.fails(method, data, "FORBIDDEN");
      assert.ok(r.error!.message.length > 0);
    }
    const report = await roomReport(server, room);
    assert.equal(report.locked, false);
    assert.equal(report.peers.filter((p) => p.joined).length, 3, "nobody was removed");
    assert.equal(report.peers.find((p) => p.id === other.peerId)!.producers.find((p) => p.id === mic)!.paused, false);
    assert.deepEqual(endedRooms.filter((r) => r === room), []);
    assert.equal(other.client.count("mutedByHost"), 0);
    await Promise.all([host, guest, other].map((p) => p.client.close()));
  });

  test("host mutes: producer paused on the server, the person told (and may unmute), screen share stopped, mute all", async () => {
    const room = "mute";
    const host = await joinedClient(server, room, "Host", { host: true, recvBeforeJoin: true });
    const g = await joinedClient(server, room, "Gil", { recvBeforeJoin: true });
    const h = await joinedClient(server, room, "Hal");
    const mic = await produceMic(g);
    const consumer = await host.client.waitFor("newConsumer", (d) => d.producerId === mic);
    await host.client.ok("muteParticipant", { peerId: g.peerId, source: "mic" });
    const told = await g.client.waitFor("mutedByHost");
    assert.deepEqual(told.data, { source: "mic", by: "Host" });
    assert.ok(notificationSchemas.mutedByHost.safeParse(told.data).success);
    await host.client.waitFor("consumerPaused", (d) => d.consumerId === consumer.data.consumerId);
    let report = await roomReport(server, room);
    assert.equal(report.peers.find((p) => p.id === g.peerId)!.producers[0].paused, true);
    // no remote unmute, but the person may unmute themselves
    await g.client.ok("resumeProducer", { producerId: mic });
    report = await roomReport(server, room);
    assert.equal(report.peers.find((p) => p.id === g.peerId)!.producers[0].paused, false);

    // screen share: stopped (closed), consumers closed at the others
    const transportId = server.signaling.registry.get(room)!.peers.get(g.peerId)!.sendTransport!.id;
    const screen = (await g.client.ok("produce", { transportId, kind: "video", rtpParameters: videoRtpParameters(9191), source: "screen" })).producerId;
    const screenConsumer = await host.client.waitFor("newConsumer", (d) => d.producerId === screen);
    await host.client.ok("muteParticipant", { peerId: g.peerId, source: "screen" });
    await host.client.waitFor("consumerClosed", (d) => d.consumerId === screenConsumer.data.consumerId);
    await g.client.waitFor("mutedByHost", (d) => d.source === "screen");
    report = await roomReport(server, room);
    assert.deepEqual(report.peers.find((p) => p.id === g.peerId)!.producers.map((p) => p.source), ["mic"]);

    // mute all: everyone the host outranks
    const hMic = await produceMic(h as Joined);
    const { muted } = await host.client.ok("muteAll", {});
    assert.equal(muted, 2);
    await h.client.waitFor("mutedByHost", (d) => d.source === "mic");
    report = await roomReport(server, room);
    const paused = report.peers.flatMap((p) => p.producers.map((pr) => [pr.id, pr.paused]));
    assert.deepEqual(new Map(paused as [string, boolean][]), new Map([[mic, true], [hMic, true]]));
    await host.client.fails("muteParticipant", { peerId: "nobody", source: "mic" }, "NOT_FOUND");
    await Promise.all([host, g, h].map((p) => p.client.close()));
  });

  test("a host mute while the person's socket is down reaches them in the resume snapshot", async () => {
    const room = "mute-away";
    const host = await joinedClient(server, room, "Host", { host: true });
    const g = await joinedClient(server, room, "Gil");
    const mic = await produceMic(g);
    const secret = g.join.resumeSecret;
    g.client.ws.terminate();
    await host.client.waitFor("peerReconnecting", (d) => d.peerId === g.peerId);
    await host.client.ok("muteParticipant", { peerId: g.peerId, source: "mic" });
    const back = await TestClient.connect(server.wsUrl);
    const snap = await back.ok("resume", { roomId: room, peerId: g.peerId, secret });
    assert.deepEqual(snap.mutedByHost, ["mic"]);
    assert.equal(snap.producers.find((p: { id: string }) => p.id === mic).paused, true);
    await Promise.all([host.client.close(), back.close()]);
  });

  test("co-hosts: promoted by the host, keep the role across a rejoin, cannot act on the host", async () => {
    const room = "cohost";
    const host = await joinedClient(server, room, "Host", { host: true });
    const sub = "guest:cohost-person";
    const b = await joinedClient(server, room, "Bo", { sub });
    const c = await joinedClient(server, room, "Cy");
    await b.client.fails("setRoomLock", { locked: true }, "FORBIDDEN");
    await host.client.ok("setCoHost", { peerId: b.peerId, cohost: true });
    const upd = await c.client.waitFor("peerUpdated", (d) => d.peer.id === b.peerId);
    assert.equal(upd.data.peer.role, "cohost");
    assert.equal(upd.data.peer.isHost, true);
    await b.client.waitFor("peerUpdated", (d) => d.peer.id === b.peerId);
    await b.client.waitFor("lobbyChanged");
    await b.client.ok("setRoomLock", { locked: true });
    await c.client.waitFor("roomLockChanged", (d) => d.locked === true && d.by === "Bo");
    await b.client.fails("removeParticipant", { peerId: host.peerId }, "FORBIDDEN");
    await b.client.fails("muteParticipant", { peerId: host.peerId, source: "mic" }, "FORBIDDEN");
    await b.client.fails("setCoHost", { peerId: c.peerId, cohost: true }, "FORBIDDEN");
    await c.client.fails("setCoHost", { peerId: c.peerId, cohost: true }, "FORBIDDEN");
    // rejoin as the same person (full rejoin: leave, new connection): still co-host, and the
    // lock does not keep them out
    await b.client.ok("leave", {});
    await b.client.close();
    const again = await knock(server, room, "Bo", { sub });
    assert.equal(again.reply.status, "joined");
    assert.equal(again.reply.role, "cohost");
    await host.client.ok("setCoHost", { peerId: again.reply.peerId, cohost: false });
    await again.client.waitFor("peerUpdated", (d) => d.peer.id === again.reply.peerId && d.peer.role === "participant");
    await again.client.fails("setRoomLock", { locked: false }, "FORBIDDEN");
    await Promise.all([host.client.close(), again.client.close(), c.client.close()]);
  });

  test("lock -> lobby: no media, no participant list, hosts see the request; admit lets them in with consumers", async () => {
    const room = "lobby";
    const host = await joinedClient(server, room, "Host", { host: true, recvBeforeJoin: true });
    const guest = await joinedClient(server, room, "Gia");
    const mic = await produceMic(host);
    await host.client.ok("setRoomLock", { locked: true });
    await guest.client.waitFor("roomLockChanged", (d) => d.locked);

    const d = await TestClient.connect(server.wsUrl);
    const token = await tokenFor(room, { name: "Dee", sub: "guest:dee" });
    const { routerRtpCapabilities: caps } = await d.ok("getRouterRtpCapabilities", { roomId: room, token });
    await d.ok("createTransport", { direction: "recv" }); // pre-join warm-up is still allowed
    const reply = await d.ok("join", { roomId: room, token, displayName: "Dee", rtpCapabilities: caps });
    assert.deepEqual(reply, { status: "waiting", reason: "lobby", startsAt: null });
    const request = await host.client.waitFor("lobbyChanged", (x) => x.requests.length === 1);
    assert.equal(request.data.requests[0].displayName, "Dee");
    assert.equal(request.data.requests[0].removedEarlier, false);
    const deeId = request.data.requests[0].peerId;
    assert.equal(guest.client.count("lobbyChanged"), 0, "participants never see the lobby");
    assert.equal(guest.client.count("peerJoined"), 0, "nobody sees a waiting person");
    await d.fails("raiseHand", {}, "NOT_JOINED");
    await d.fails("produce", { transportId: "x", kind: "audio", rtpParameters: audioRtpParameters(5), source: "mic" }, "NOT_JOINED");
    assert.equal(d.count("newConsumer"), 0, "no media while waiting");
    assert.equal(d.count("peerJoined") + d.count("handsChanged") + d.count("qualityUpdate"), 0, "no participant list either");
    // join again while waiting: the same answer, no second request
    assert.deepEqual(await d.ok("join", { roomId: room, token, displayName: "Dee", rtpCapabilities: caps }), reply);

    await host.client.ok("lobbyAdmit", { peerId: deeId });
    const admitted = await d.waitFor("admitted");
    assert.ok(notificationSchemas.admitted.safeParse(admitted.data).success);
    assert.equal(admitted.data.peerId, deeId);
    assert.deepEqual(admitted.data.peers.map((p: { displayName: string }) => p.displayName).sort(), ["Gia", "Host"]);
    await d.waitFor("newConsumer", (x) => x.producerId === mic);
    await guest.client.waitFor("peerJoined", (x) => x.peer.id === deeId);
    await host.client.waitFor("lobbyChanged", (x) => x.requests.length === 0);
    await host.client.fails("lobbyAdmit", { peerId: deeId }, "NOT_FOUND");

    // admitted, then reconnecting with a full rejoin: not back in the lobby (the room is still locked)
    await d.ok("leave", {});
    await d.close();
    const back = await knock(server, room, "Dee", { sub: "guest:dee" });
    assert.equal(back.reply.status, "joined");
    const stranger = await knock(server, room, "Dee");
    assert.equal(stranger.reply.status, "waiting", "someone else with the same name (another guest key) waits");
    await Promise.all([back.client.close(), stranger.client.close()]);
    await Promise.all([host.client.close(), guest.client.close()]);
  });

  test("admitted people rejoin without waiting; deny closes with lobbyDenied; admit all; a waiting socket that closes leaves the list", async () => {
    const room = "waiting-room";
    settingsByRoom.set(room, { ...DEFAULT_ROOM_SETTINGS, waitingRoom: true });
    const host = await joinedClient(server, room, "Host", { host: true });
    assert.equal(host.join.status, "joined", "hosts never wait");
    const a = await knock(server, room, "Ann", { sub: "guest:ann" });
    assert.equal(a.reply.status, "waiting");
    const req = await host.client.waitFor("lobbyChanged", (x) => x.requests.length === 1);
    await host.client.ok("lobbyAdmit", { peerId: req.data.requests[0].peerId });
    await a.client.waitFor("admitted");
    await a.client.ok("leave", {});
    await a.client.close();
    const again = await knock(server, room, "Ann", { sub: "guest:ann" });
    assert.equal(again.reply.status, "joined", "an admitted person skips the lobby for the session");

    const e = await knock(server, room, "Eve");
    const f = await knock(server, room, "Fay");
    const g = await knock(server, room, "Gus");
    const three = await host.client.waitFor("lobbyChanged", (x) => x.requests.length === 3);
    assert.deepEqual(three.data.requests.map((r: { displayName: string }) => r.displayName), ["Eve", "Fay", "Gus"]);
    await host.client.ok("lobbyDeny", { peerId: three.data.requests[0].peerId });
    assert.equal((await e.client.closed).code, CLOSE_CODES.lobbyDenied);
    await g.client.close(); // gives up waiting
    await host.client.waitFor("lobbyChanged", (x) => x.requests.length === 1 && x.requests[0].displayName === "Fay");
    const all = await host.client.ok("lobbyAdmitAll", {});
    assert.equal(all.admitted, 1);
    await f.client.waitFor("admitted");
    const report = await roomReport(server, room);
    assert.deepEqual(report.peers.filter((p) => p.joined).length, 3);
    await Promise.all([host.client.close(), again.client.close(), f.client.close()]);
    settingsByRoom.delete(room);
  });

  test("remove: closed with `removed`, no resume, and a rejoin of the same person waits for a host", async () => {
    const room = "remove";
    const host = await joinedClient(server, room, "Host", { host: true });
    const sub = "guest:troll";
    const t = await joinedClient(server, room, "Troll", { sub });
    const o = await joinedClient(server, room, "Olly");
    await host.client.fails("removeParticipant", { peerId: host.peerId }, "FORBIDDEN");
    await host.client.ok("removeParticipant", { peerId: t.peerId });
    const closed = await t.client.closed;
    assert.equal(closed.code, CLOSE_CODES.removed);
    assert.match(closed.reason, /Host removed you/);
    await o.client.waitFor("peerLeft", (d) => d.peerId === t.peerId);
    const r = await TestClient.connect(server.wsUrl);
    await r.fails("resume", { roomId: room, peerId: t.peerId, secret: t.join.resumeSecret }, "RESUME_FAILED");
    await r.close();
    // the room is not locked, but the removed person (same participantKey) waits for a host
    const back = await knock(server, room, "Troll", { sub });
    assert.deepEqual(back.reply, { status: "waiting", reason: "lobby", startsAt: null });
    const req = await host.client.waitFor("lobbyChanged", (x) => x.requests.length === 1);
    assert.equal(req.data.requests[0].removedEarlier, true);
    assert.equal(o.client.count("peerJoined"), 0);
    await host.client.ok("lobbyAdmit", { peerId: req.data.requests[0].peerId });
    await back.client.waitFor("admitted");
    await o.client.waitFor("peerJoined", (d) => d.peer.displayName === "Troll");
    await Promise.all([host.client.close(), o.client.close(), back.client.close()]);
  });

  test("guests may not join before the host: they wait with the start time and enter when the host arrives", async () => {
    const room = "early";
    const startsAt = "2030-06-15T08:00:00.000Z";
    settingsByRoom.set(room, { waitingRoom: false, joinBeforeHost: false, startsAt });
    const g = await knock(server, room, "Gwen");
    assert.deepEqual(g.reply, { status: "waiting", reason: "host-absent", startsAt });
    const host = await joinedClient(server, room, "Host", { host: true });
    assert.deepEqual(host.join.control.lobby, [], "people waiting for the host are not lobby requests");
    const admitted = await g.client.waitFor("admitted");
    assert.equal(admitted.data.peers[0].displayName, "Host");
    await host.client.waitFor("peerJoined", (d) => d.peer.displayName === "Gwen");
    await Promise.all([host.client.close(), g.client.close()]);
    await eventually(() => !server.signaling.registry.get(room), 3000, "room closed");

    // with the waiting room on too, the host's arrival moves them to the lobby instead
    settingsByRoom.set(room, { waitingRoom: true, joinBeforeHost: false, startsAt });
    const w = await knock(server, room, "Walt");
    assert.equal(w.reply.reason, "host-absent");
    const host2 = await joinedClient(server, room, "Host", { host: true });
    const moved = await w.client.waitFor("waitingChanged");
    assert.deepEqual(moved.data, { reason: "lobby", startsAt });
    await host2.client.waitFor("lobbyChanged", (d) => d.requests.length === 1 && d.requests[0].displayName === "Walt");
    await Promise.all([host2.client.close(), w.client.close()]);
    settingsByRoom.delete(room);
  });

  test("end for everyone: tokens revoked through the gate, every socket (waiting ones too) closed with meetingEnded", async () => {
    const room = "end";
    const host = await joinedClient(server, room, "Host", { host: true });
    const a = await joinedClient(server, room, "Ada");
    await host.client.ok("setRoomLock", { locked: true });
    const waiting = await knock(server, room, "Wes");
    assert.equal(waiting.reply.status, "waiting");
    const prejoin = await TestClient.connect(server.wsUrl);
    await prejoin.ok("getRouterRtpCapabilities", { roomId: room, token: await tokenFor(room) });
    await a.client.fails("endMeeting", {}, "FORBIDDEN");
    await host.client.ok("endMeeting", {});
    for (const c of [host.client, a.client, waiting.client, prejoin]) {
      const closed = await c.closed;
      assert.equal(closed.code, CLOSE_CODES.meetingEnded);
      assert.match(closed.reason, /Host ended the meeting for everyone/);
    }
    assert.deepEqual(endedRooms.filter((r) => r === room), [room], "join tokens revoked once");
    await eventually(() => !server.signaling.registry.get(room), 3000, "room gone");
  });

  test("an admin's stream (ingest token) never waits, even in a locked room", async () => {
    const room = "stream";
    const host = await joinedClient(server, room, "Host", { host: true });
    await host.client.ok("setRoomLock", { locked: true });
    const bot = await TestClient.connect(server.wsUrl);
    const { token } = await signIngestToken(room, "slides");
    const { routerRtpCapabilities: caps } = await bot.ok("getRouterRtpCapabilities", { roomId: room, token });
    const reply = await bot.ok("join", { roomId: room, token, displayName: "slides", rtpCapabilities: caps });
    assert.equal(reply.status, "joined");
    assert.equal(reply.role, "participant");
    await host.client.waitFor("peerJoined", (d) => d.peer.id === reply.peerId);
    await Promise.all([host.client.close(), bot.close()]);
  });

  test("a meetingEnded event (meeting cancelled on its page, on any node) closes the room with meetingEnded", async () => {
    const room = "cancelled";
    const host = await joinedClient(server, room, "Host", { host: true });
    const a = await joinedClient(server, room, "Ada");
    const events = new MemoryEventBus("node-a");
    const stop = followClusterEvents({ events, rooms: server.signaling.registry, nodeId: "node-a", logger: pino({ level: "silent" }) });
    try {
      await events.publish({ type: "meetingEnded", meetingId: room, reason: "cancelled" });
      for (const c of [host.client, a.client]) {
        const closed = await c.closed;
        assert.equal(closed.code, CLOSE_CODES.meetingEnded, "final: the clients show meeting-ended");
        assert.match(closed.reason, /meeting cancelled/);
      }
    } finally {
      stop();
    }
  });
});

describe("a gate that refuses a token", { skip }, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      gate: {
        async check(claims) {
          return claims.name === "Revoked"
            ? { ok: false, code: "UNAUTHORIZED", message: "this meeting was cancelled" }
            : { ok: true, settings: DEFAULT_ROOM_SETTINGS };
        },
        async endMeeting() {},
      },
    });
  });
  after(async () => server?.close());

  test("binding with a revoked token fails before anything is created", async () => {
    const c = await TestClient.connect(server.wsUrl);
    const r = await c.fails("getRouterRtpCapabilities", { roomId: "g", token: await tokenFor("g", { name: "Revoked" }) }, "UNAUTHORIZED");
    assert.match(r.error!.message, /cancelled/);
    assert.equal((await server.stats()).rooms, 0);
    await c.close();
  });
});
