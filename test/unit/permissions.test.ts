// Who may do what in a room (lib/rooms/permissions.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { decide, hasHostRights, outranks, roleOf, type HostAction } from "../../lib/rooms/permissions";
import type { ParticipantRole } from "../../lib/signaling/protocol";

const ALL: HostAction[] = ["mute", "muteAll", "remove", "lowerHand", "lock", "admit", "setCoHost", "endMeeting"];
const ok = (actor: ParticipantRole, action: HostAction, target?: { role: ParticipantRole; self: boolean }) =>
  decide(actor, action, target).ok;

test("roles: owner, promoted co-host, everyone else; ranks", () => {
  assert.equal(roleOf(true, false), "host");
  assert.equal(roleOf(true, true), "host", "the owner stays the host even if listed as co-host");
  assert.equal(roleOf(false, true), "cohost");
  assert.equal(roleOf(false, false), "participant");
  assert.deepEqual(["host", "cohost", "participant"].map((r) => hasHostRights(r as ParticipantRole)), [true, true, false]);
  assert.ok(outranks("host", "cohost") && outranks("cohost", "participant") && outranks("host", "participant"));
  assert.ok(!outranks("cohost", "cohost") && !outranks("cohost", "host") && !outranks("participant", "participant"));
});

test("a participant may use no host control at all, whoever the target", () => {
  for (const action of ALL) {
    const d = decide("participant", action);
    assert.ok(!d.ok && /only the host/.test(d.message), action);
    assert.ok(!ok("participant", action, { role: "participant", self: false }), `${action} on a participant`);
  }
  // not even on themselves (muting oneself is a normal pauseProducer, not a host control)
  assert.ok(!ok("participant", "mute", { role: "participant", self: true }));
});

test("the host may do everything to everyone else", () => {
  for (const action of ALL) assert.ok(ok("host", action), action);
  for (const action of ["mute", "remove", "lowerHand", "setCoHost"] as HostAction[]) {
    assert.ok(ok("host", action, { role: "participant", self: false }), `${action} participant`);
    assert.ok(ok("host", action, { role: "cohost", self: false }), `${action} co-host`);
  }
});

test("co-hosts: host controls over participants only; never the owner's role changes", () => {
  for (const action of ["mute", "muteAll", "remove", "lowerHand", "lock", "admit", "endMeeting"] as HostAction[]) {
    assert.ok(ok("cohost", action), action);
  }
  assert.ok(ok("cohost", "mute", { role: "participant", self: false }));
  assert.ok(ok("cohost", "remove", { role: "participant", self: false }));
  for (const role of ["host", "cohost"] as ParticipantRole[]) {
    const d = decide("cohost", "remove", { role, self: false });
    assert.ok(!d.ok && /cannot act on/.test(d.message), `co-host removes ${role}`);
    assert.ok(!ok("cohost", "mute", { role, self: false }), `co-host mutes ${role}`);
  }
  const promote = decide("cohost", "setCoHost");
  assert.ok(!promote.ok && /only the host/.test(promote.message));
});

test("aimed at oneself: muting / lowering is fine, removing or re-ranking is not", () => {
  assert.ok(ok("host", "mute", { role: "host", self: true }));
  assert.ok(ok("cohost", "lowerHand", { role: "cohost", self: true }));
  const remove = decide("host", "remove", { role: "host", self: true });
  assert.ok(!remove.ok && /leave/.test(remove.message));
  assert.ok(!ok("host", "setCoHost", { role: "host", self: true }));
  assert.ok(!ok("host", "setCoHost", { role: "host", self: false }), "the host cannot be made co-host");
});
