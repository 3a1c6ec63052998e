// The lobby and hands state machines (server/rooms/room-lobby.ts, room-hands.ts), the
// browser's moderation sub-reducer (lib/client/moderation-state.ts) and what final close
// codes mean to the person (lib/client/lobby.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_ROOM_SETTINGS, decideAdmission, LobbyState, type AdmissionInput } from "../../server/rooms/room-lobby";
import { HandQueue } from "../../server/rooms/room-hands";
import {
  initialModerationState,
  moderationReducer,
  orderByHands,
  reactionOf,
  MAX_SHOWN_REACTIONS,
  type ModerationAction,
} from "../../lib/client/moderation-state";
import { finalCloseError, startTimeText } from "../../lib/client/lobby";
import { CLOSE_CODES } from "../../lib/signaling/protocol";

const base: AdmissionInput = {
  role: "participant",
  hostPresent: true,
  settings: DEFAULT_ROOM_SETTINGS,
  locked: false,
  admitted: false,
  removed: false,
};

test("admission: hosts never wait; removed people always do; returning people never do", () => {
  assert.equal(decideAdmission(base), "enter");
  assert.equal(decideAdmission({ ...base, locked: true }), "lobby");
  assert.equal(decideAdmission({ ...base, settings: { ...DEFAULT_ROOM_SETTINGS, waitingRoom: true } }), "lobby");
  for (const role of ["host", "cohost"] as const) {
    assert.equal(
      decideAdmission({ ...base, role, locked: true, hostPresent: false, settings: { waitingRoom: true, joinBeforeHost: false, startsAt: null } }),
      "enter",
      role,
    );
  }
  assert.equal(decideAdmission({ ...base, removed: true }), "lobby", "removed: only a host lets them back");
  assert.equal(decideAdmission({ ...base, removed: true, hostPresent: false }), "lobby");
  assert.equal(decideAdmission({ ...base, admitted: true, locked: true }), "enter", "a reconnect never lands in the lobby");
  assert.equal(
    decideAdmission({ ...base, admitted: true, hostPresent: false, settings: { ...DEFAULT_ROOM_SETTINGS, joinBeforeHost: false } }),
    "enter",
  );
});

test("admission: guests before the host", () => {
  const noEarly = { ...DEFAULT_ROOM_SETTINGS, joinBeforeHost: false };
  assert.equal(decideAdmission({ ...base, hostPresent: false }), "enter", "default: guests may start without the host");
  assert.equal(decideAdmission({ ...base, hostPresent: false, settings: noEarly }), "host-absent");
  assert.equal(decideAdmission({ ...base, hostPresent: true, settings: noEarly }), "enter");
  assert.equal(decideAdmission({ ...base, hostPresent: false, settings: { ...noEarly, waitingRoom: true } }), "host-absent");
});

type P = { id: string; participantKey: string; displayName: string };
const person = (id: string, key = `key-${id}`): P => ({ id, participantKey: key, displayName: id.toUpperCase() });

test("lobby: arrival order, admit marks the person as in, deny drops them, leaving drops them", () => {
  const lobby = new LobbyState<P>();
  const [a, b, c] = [person("a"), person("b"), person("c")];
  const ctx = { role: "participant" as const, hostPresent: true, settings: DEFAULT_ROOM_SETTINGS, locked: true };
  for (const p of [a, b, c]) assert.equal(lobby.decide(p.participantKey, ctx), "lobby");
  lobby.park(a, "lobby", 1);
  lobby.park(b, "lobby", 2);
  lobby.park(c, "lobby", 3);
  assert.deepEqual(lobby.requests().map((r) => [r.peerId, r.displayName, r.since]), [["a", "A", 1], ["b", "B", 2], ["c", "C", 3]]);
  assert.equal(lobby.admit("b")?.peer, b);
  assert.equal(lobby.admit("b"), null, "admitting twice does nothing");
  assert.equal(lobby.decide(b.participantKey, ctx), "enter", "admitted: skips the lobby for the rest of the session");
  assert.equal(lobby.deny("c")?.peer, c);
  assert.equal(lobby.decide(c.participantKey, ctx), "lobby", "denied people may knock again");
  assert.equal(lobby.leave("a"), true);
  assert.equal(lobby.leave("a"), false);
  assert.deepEqual(lobby.requests(), []);
});

test("lobby: the same person knocking from another window replaces the older request, keeping its place", () => {
  const lobby = new LobbyState<P>();
  const first = person("w1", "same");
  const second = person("w2", "same");
  lobby.park(first, "lobby", 10);
  lobby.park(person("x"), "lobby", 11);
  const replaced = lobby.park(second, "lobby", 20);
  assert.equal(replaced?.peer, first);
  assert.deepEqual(lobby.requests().map((r) => [r.peerId, r.since]), [["x", 11], ["w2", 10]]);
});

test("lobby: removal bans by participantKey until a host admits them", () => {
  const lobby = new LobbyState<P>();
  const g = person("g1", "guest:g");
  lobby.entered(g.participantKey);
  const ctx = { role: "participant" as const, hostPresent: true, settings: DEFAULT_ROOM_SETTINGS, locked: false };
  assert.equal(lobby.decide("guest:g", ctx), "enter");
  lobby.removed("guest:g");
  assert.equal(lobby.decide("guest:g", ctx), "lobby", "room unlocked, but removed");
  const again = person("g2", "guest:g");
  lobby.park(again, "lobby");
  assert.equal(lobby.requests()[0].removedEarlier, true, "hosts see that this person was removed");
  lobby.admit("g2");
  assert.equal(lobby.isRemoved("guest:g"), false);
  assert.equal(lobby.decide("guest:g", ctx), "enter");
});

test("lobby: when the host arrives, those waiting for them enter or move to the lobby", () => {
  const lobby = new LobbyState<P>();
  const settings = { waitingRoom: false, joinBeforeHost: false, startsAt: "2030-01-01T10:00:00.000Z" };
  const [a, b] = [person("a"), person("b")];
  assert.equal(lobby.decide(a.participantKey, { role: "participant", hostPresent: false, settings, locked: false }), "host-absent");
  lobby.park(a, "host-absent");
  lobby.park(b, "host-absent");
  assert.deepEqual(lobby.requests(), [], "people waiting for the host are not lobby requests");
  const open = lobby.hostArrived({ settings, locked: false });
  assert.deepEqual(open.enter.map((e) => e.peer.id), ["a", "b"]);
  assert.deepEqual(open.toLobby, []);
  assert.deepEqual(lobby.entries(), []);

  const gated = new LobbyState<P>();
  gated.park(a, "host-absent");
  const r = gated.hostArrived({ settings: { ...settings, waitingRoom: true }, locked: false });
  assert.deepEqual([r.enter.length, r.toLobby.map((e) => e.peer.id)], [0, ["a"]]);
  assert.deepEqual(gated.requests().map((q) => q.peerId), ["a"]);
});

test("hands: in the order raised; raising twice keeps the place", () => {
  const hands = new HandQueue();
  assert.ok(hands.raise("c", 1));
  assert.ok(hands.raise("a", 2));
  assert.ok(!hands.raise("c", 3));
  assert.ok(hands.raise("b", 4));
  assert.deepEqual(hands.list(), [{ peerId: "c", raisedAt: 1 }, { peerId: "a", raisedAt: 2 }, { peerId: "b", raisedAt: 4 }]);
  assert.ok(hands.lower("a"));
  assert.ok(!hands.lower("a"));
  assert.ok(hands.raise("a", 5));
  assert.deepEqual(hands.list().map((h) => h.peerId), ["c", "b", "a"], "lowered and raised again: back of the queue");
});

test("browser moderation state: control snapshot, hands, lobby, lock, reactions that expire", () => {
  const run = (actions: ModerationAction[]) => actions.reduce(moderationReducer, initialModerationState());
  const s = run([
    { type: "control", role: "cohost", control: { locked: true, hands: [{ peerId: "x", raisedAt: 1 }], lobby: [] } },
    { type: "lobby", requests: [{ peerId: "w", displayName: "W", since: 5, removedEarlier: false }] },
    { type: "hands", hands: [{ peerId: "x", raisedAt: 1 }, { peerId: "y", raisedAt: 2 }] },
    { type: "locked", locked: false },
    { type: "reaction", reaction: { id: 1, peerId: "x", reaction: "clap" } },
    { type: "reaction", reaction: { id: 2, peerId: "x", reaction: "heart" } },
    { type: "reaction", reaction: { id: 3, peerId: "y", reaction: "wow" } },
    { type: "reactionExpired", id: 2 },
  ]);
  assert.equal(s.role, "cohost");
  assert.equal(s.locked, false);
  assert.deepEqual(s.lobby.map((r) => r.peerId), ["w"]);
  assert.deepEqual(s.hands.map((h) => h.peerId), ["x", "y"]);
  assert.equal(reactionOf(s, "x")?.reaction, "clap", "the expired one is gone, the older one still shows");
  assert.equal(reactionOf(s, "y")?.reaction, "wow");
  assert.equal(reactionOf(s, "z"), undefined);
  const same = moderationReducer(s, { type: "reactionExpired", id: 99 });
  assert.equal(same, s, "nothing to expire: same state object");
  const burst = run(Array.from({ length: 30 }, (_, i) => ({ type: "reaction", reaction: { id: i, peerId: "x", reaction: "party" } }) as ModerationAction));
  assert.equal(burst.reactions.length, MAX_SHOWN_REACTIONS);
});

test("participants panel order: raised hands first in raise order, then the rest as given", () => {
  const people = ["me", "a", "b", "c", "d"].map((id) => ({ id }));
  const order = orderByHands(people, [{ peerId: "c", raisedAt: 1 }, { peerId: "me", raisedAt: 2 }, { peerId: "gone", raisedAt: 3 }]);
  assert.deepEqual(order.map((p) => p.id), ["c", "me", "a", "b", "d"]);
  assert.deepEqual(orderByHands(people, []).map((p) => p.id), ["me", "a", "b", "c", "d"]);
});

test("final close codes become end screens; others reconnect", () => {
  assert.equal(finalCloseError(CLOSE_CODES.removed, "Hana removed you from the meeting")?.kind, "removed");
  assert.equal(finalCloseError(CLOSE_CODES.removed, "Hana removed you from the meeting")?.message, "Hana removed you from the meeting");
  assert.deepEqual(finalCloseError(CLOSE_CODES.meetingEnded, "the host cancelled this meeting"), {
    kind: "meeting-ended",
    message: "The host cancelled this meeting.",
  });
  assert.equal(finalCloseError(CLOSE_CODES.lobbyDenied)?.kind, "denied");
  assert.equal(finalCloseError(CLOSE_CODES.replaced)?.kind, "replaced");
  for (const code of [1006, 1012, CLOSE_CODES.roomClosed, CLOSE_CODES.livenessTimeout, CLOSE_CODES.policyViolation]) {
    assert.equal(finalCloseError(code), null, String(code));
  }
});

test("start time for people waiting for the host, in their own zone", () => {
  const w = { reason: "host-absent" as const, startsAt: "2030-06-15T08:00:00.000Z" };
  assert.match(startTimeText(w, "Europe/Paris", "en-GB")!, /15 June.*10:00/);
  assert.match(startTimeText(w, "America/New_York", "en-US")!, /June 15.*4:00/);
  assert.equal(startTimeText({ reason: "host-absent", startsAt: null }), null);
});
