// The browser's room state reducer: who is listed, whose media is whose, who is reconnecting.
import { test } from "node:test";
import assert from "node:assert/strict";
import { initialRoomState, roomReducer, type RemoteMedia, type RoomAction, type RoomState } from "../../lib/client/room-state";
import type { PeerInfo } from "../../lib/signaling/protocol";
import { CLIENT_CHAT_LIMIT } from "../../lib/client/chat-state";

const peer = (id: string, over: Partial<PeerInfo> = {}): PeerInfo => ({
  id,
  displayName: id.toUpperCase(),
  isHost: false,
  role: "participant",
  producers: [],
  reconnecting: false,
  ...over,
});
const media = (consumerId: string, peerId: string, paused = false): RemoteMedia =>
  ({ consumerId, producerId: `p-${consumerId}`, peerId, kind: "video", source: "camera", track: {}, stream: {}, paused }) as unknown as RemoteMedia;

function run(actions: RoomAction[], start: RoomState = initialRoomState({ roomId: "r" })): RoomState {
  return actions.reduce(roomReducer, start);
}

test("join lists the others (never myself), in join order; late joiners are appended", () => {
  const s = run([
    { type: "joined", selfId: "me", isHost: true, peers: [peer("a"), peer("me"), peer("b")] },
    { type: "peerJoined", peer: peer("c") },
    { type: "peerJoined", peer: peer("me") },
  ]);
  assert.equal(s.phase, "joined");
  assert.equal(s.isHost, true);
  assert.deepEqual(s.participants.map((p) => p.id), ["a", "b", "c"]);
});

test("a peer that leaves takes its media and quality with it", () => {
  const s = run([
    { type: "joined", selfId: "me", isHost: false, peers: [peer("a"), peer("b")] },
    { type: "mediaAdded", media: media("c1", "a") },
    { type: "mediaAdded", media: media("c2", "b") },
    {
      type: "quality",
      peers: [{ peerId: "a", level: "good", score: 8, packetLossPercent: 1, rttMs: 20, sendKbps: 1, recvKbps: 1 }],
    },
    { type: "peerLeft", peerId: "a" },
  ]);
  assert.deepEqual(s.participants.map((p) => p.id), ["b"]);
  assert.deepEqual(s.media.map((m) => m.consumerId), ["c2"]);
  assert.deepEqual(Object.keys(s.quality), []);
});

test("reconnecting marks the person and keeps their tile and media; reconnected clears it", () => {
  let s = run([
    { type: "joined", selfId: "me", isHost: false, peers: [peer("a")] },
    { type: "mediaAdded", media: media("c1", "a") },
    { type: "peerReconnecting", peerId: "a", reconnecting: true },
  ]);
  assert.equal(s.participants[0].reconnecting, true);
  assert.equal(s.media.length, 1);
  s = roomReducer(s, { type: "peerReconnecting", peerId: "a", reconnecting: false });
  assert.equal(s.participants[0].reconnecting, false);
});

test("a resume snapshot replaces the list: missed leaves drop people, missed joins add them", () => {
  const s = run([
    { type: "joined", selfId: "me", isHost: false, peers: [peer("a"), peer("b")] },
    { type: "mediaAdded", media: media("c1", "a") },
    { type: "mediaAdded", media: media("c2", "b") },
    { type: "peersSynced", peers: [peer("b", { reconnecting: true }), peer("c")] },
  ]);
  assert.deepEqual(s.participants.map((p) => [p.id, p.reconnecting]), [["b", true], ["c", false]]);
  assert.deepEqual(s.media.map((m) => m.consumerId), ["c2"], "a's media went with a");
});

test("a rejoin starts from the server's fresh list", () => {
  const s = run([
    { type: "joined", selfId: "me", isHost: false, peers: [peer("a"), peer("b")] },
    { type: "joined", selfId: "me2", isHost: false, peers: [peer("b"), peer("me2")] },
  ]);
  assert.deepEqual(s.participants.map((p) => p.id), ["b"]);
  assert.equal(s.selfId, "me2");
});

test("media: pause flag, removal, duplicates replaced, clear", () => {
  let s = run([
    { type: "mediaAdded", media: media("c1", "a") },
    { type: "mediaAdded", media: media("c1", "a", true) },
    { type: "mediaAdded", media: media("c2", "a") },
    { type: "mediaPaused", consumerId: "c2", paused: true },
  ]);
  assert.deepEqual(s.media.map((m) => [m.consumerId, m.paused]), [["c1", true], ["c2", true]]);
  s = roomReducer(s, { type: "mediaRemoved", consumerIds: ["c1"] });
  assert.deepEqual(s.media.map((m) => m.consumerId), ["c2"]);
  s = roomReducer(s, { type: "mediaCleared" });
  assert.equal(s.media.length, 0);
});

test("connection status changes produce a new state only when something changed", () => {
  const s0 = initialRoomState({ roomId: "r" });
  const same = roomReducer(s0, { type: "connection", connection: { status: "connected", attempt: 0 } });
  assert.equal(same, s0);
  const s1 = roomReducer(s0, { type: "connection", connection: { status: "reconnecting", attempt: 2 } });
  assert.deepEqual(s1.connection, { status: "reconnecting", attempt: 2 });
});

test("leaving clears everybody", () => {
  const s = run([
    { type: "joined", selfId: "me", isHost: false, peers: [peer("a")] },
    { type: "mediaAdded", media: media("c1", "a") },
    { type: "roomCleared" },
  ]);
  assert.deepEqual([s.participants.length, s.media.length], [0, 0]);
});

// ---- chat ------------------------------------------------------------------------------

const chatMsg = (id: string, fromPeerId: string, sentAt: number, text = id) => ({
  id,
  fromPeerId,
  fromName: fromPeerId.toUpperCase(),
  text,
  sentAt,
});

test("chat: messages are kept in time order once each; mine are marked; unread counts others' while closed", () => {
  let s = run([
    { type: "joined", selfId: "me", isHost: false, peers: [peer("a")] },
    { type: "chatReceived", message: chatMsg("m2", "a", 2000), mine: false },
    { type: "chatReceived", message: chatMsg("m1", "a", 1000), mine: false },
    { type: "chatReceived", message: chatMsg("m2", "a", 2000), mine: false },
    { type: "chatReceived", message: chatMsg("m3", "me", 3000), mine: true },
  ]);
  assert.deepEqual(s.chat.messages.map((m) => [m.id, m.mine]), [["m1", false], ["m2", false], ["m3", true]]);
  assert.equal(s.chat.unread, 2, "my own message is not unread; the duplicate is not counted");
  s = roomReducer(s, { type: "chatOpen", open: true });
  assert.equal(s.chat.unread, 0);
  s = roomReducer(s, { type: "chatReceived", message: chatMsg("m4", "a", 4000), mine: false });
  assert.equal(s.chat.unread, 0, "nothing is unread while the panel is open");
  s = roomReducer(s, { type: "chatOpen", open: false });
  s = roomReducer(s, { type: "chatReceived", message: chatMsg("m5", "a", 5000), mine: false });
  assert.equal(s.chat.unread, 1);
});

test("chat: the join history is old news; what a resume brings was missed (unread); nothing twice", () => {
  let s = run([
    { type: "joined", selfId: "me", isHost: false, peers: [] },
    { type: "chatSynced", messages: [chatMsg("m1", "a", 1000), chatMsg("m2", "me", 1500)], countUnread: false },
  ]);
  assert.equal(s.chat.unread, 0);
  assert.deepEqual(s.chat.messages.map((m) => [m.id, m.mine]), [["m1", false], ["m2", true]]);
  const same = roomReducer(s, { type: "chatSynced", messages: [chatMsg("m1", "a", 1000)], countUnread: true });
  assert.equal(same, s, "a resume with nothing new changes nothing");
  s = roomReducer(s, {
    type: "chatSynced",
    messages: [chatMsg("m1", "a", 1000), chatMsg("m2", "me", 1500), chatMsg("m3", "b", 2000), chatMsg("m4", "me", 2500)],
    countUnread: true,
  });
  assert.deepEqual(s.chat.messages.map((m) => m.id), ["m1", "m2", "m3", "m4"]);
  assert.equal(s.chat.unread, 1, "only the other person's missed message");
});

test("chat: an error is shown until my next message goes through; leaving keeps the chat", () => {
  let s = run([
    { type: "joined", selfId: "me", isHost: false, peers: [] },
    { type: "chatError", error: "too fast" },
  ]);
  assert.equal(s.chat.error, "too fast");
  s = roomReducer(s, { type: "chatReceived", message: chatMsg("x", "b", 1), mine: false });
  assert.equal(s.chat.error, "too fast", "someone else's message does not clear my error");
  s = roomReducer(s, { type: "chatReceived", message: chatMsg("y", "me", 2), mine: true });
  assert.equal(s.chat.error, null);
  s = roomReducer(s, { type: "roomCleared" });
  assert.equal(s.chat.messages.length, 2);
});

test("chat: the browser keeps at most CLIENT_CHAT_LIMIT messages (the newest)", () => {
  let s = initialRoomState({ roomId: "r" });
  for (let i = 0; i < CLIENT_CHAT_LIMIT + 10; i++) {
    s = roomReducer(s, { type: "chatReceived", message: chatMsg(`m${i}`, "a", i), mine: false });
  }
  assert.equal(s.chat.messages.length, CLIENT_CHAT_LIMIT);
  assert.equal(s.chat.messages[0].id, "m10");
});

test("devices: lists and the device in use are patched; nothing else moves", () => {
  const s0 = initialRoomState({ roomId: "r" });
  assert.deepEqual([s0.devices.camera, s0.devices.cameras], [null, []]);
  const s1 = roomReducer(s0, { type: "devices", patch: { cameras: [{ id: "c1", label: "Cam" }], camera: "c1" } });
  assert.deepEqual(s1.devices.cameras, [{ id: "c1", label: "Cam" }]);
  assert.equal(s1.devices.camera, "c1");
  assert.equal(s1.devices.mic, null);
  assert.equal(s1.local, s0.local);
  const s2 = roomReducer(s1, { type: "local", patch: { speakingWhileMuted: true } });
  assert.equal(s2.local.speakingWhileMuted, true);
  assert.equal(s2.devices, s1.devices);
});

test("active speaker, who is speaking, and the layout", () => {
  let s = run([{ type: "joined", selfId: "me", isHost: false, peers: [peer("a"), peer("b")] }]);
  assert.equal(s.layout, "grid");
  assert.equal(s.activeSpeakerId, null);
  s = run([{ type: "activeSpeaker", peerId: "a" }, { type: "speaking", peerIds: ["b", "a", "a"] }], s);
  assert.equal(s.activeSpeakerId, "a");
  assert.deepEqual(s.speaking, ["a", "b"], "sorted, no duplicates");
  // the same set again: the same state object (no re-render)
  assert.equal(roomReducer(s, { type: "speaking", peerIds: ["a", "b"] }), s);
  assert.equal(roomReducer(s, { type: "activeSpeaker", peerId: "a" }), s);
  s = run([{ type: "layout", layout: "speaker" }], s);
  assert.equal(s.layout, "speaker");
  // the speaker leaves: no longer speaking, no longer the active speaker
  s = run([{ type: "peerLeft", peerId: "a" }], s);
  assert.equal(s.activeSpeakerId, null);
  assert.deepEqual(s.speaking, ["b"]);
  s = run([{ type: "roomCleared" }], s);
  assert.deepEqual([s.activeSpeakerId, s.speaking], [null, []]);
  assert.equal(s.layout, "speaker", "the layout choice survives a rejoin");
});
