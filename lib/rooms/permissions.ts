// Who may do what in a room. Pure, so the rules are unit-tested on their own; the server
// (server/rooms/room-moderation.ts) asks here before every host control and answers a
// refusal with FORBIDDEN.
//
// Roles rank host (the meeting's owner) > cohost (promoted by the host for this session) >
// participant. Host controls need host rights (host or cohost); a control aimed at someone
// needs to outrank them, except that the owner may act on everyone but themselves where
// that makes no sense. Promoting and demoting co-hosts is the owner's alone (as in Zoom).
import type { ParticipantRole } from "@/lib/signaling/protocol";

export type HostAction =
  | "mute" // someone's mic / camera / screen share
  | "muteAll"
  | "remove"
  | "lowerHand" // someone else's hand
  | "lock"
  | "admit" // lobby: admit, admit all, deny
  | "setCoHost"
  | "endMeeting";

export type Decision = { ok: true } | { ok: false; message: string };

const RANK: Record<ParticipantRole, number> = { participant: 0, cohost: 1, host: 2 };

export function hasHostRights(role: ParticipantRole): boolean {
  return RANK[role] >= RANK.cohost;
}

/** `actor` outranks `target` (the owner outranks everyone, co-hosts outrank participants). */
export function outranks(actor: ParticipantRole, target: ParticipantRole): boolean {
  return RANK[actor] > RANK[target];
}

/** The role a participant has: the owner (join-token claim), a promoted co-host, or neither. */
export function roleOf(isOwner: boolean, isCoHost: boolean): ParticipantRole {
  return isOwner ? "host" : isCoHost ? "cohost" : "participant";
}

const WHAT: Record<HostAction, string> = {
  mute: "turn off someone's microphone, camera or screen share",
  muteAll: "mute everyone",
  remove: "remove participants",
  lowerHand: "lower someone else's hand",
  lock: "lock the room",
  admit: "let people in from the lobby",
  setCoHost: "make or remove co-hosts",
  endMeeting: "end the meeting for everyone",
};

const TARGETED: ReadonlySet<HostAction> = new Set(["mute", "remove", "lowerHand", "setCoHost"]);

/**
 * May someone with role `actor` do `action`? Without `target` this answers whether they may
 * use the control at all (asked first, so a guest is refused before any lookup); with it,
 * whether they may aim it at that participant (`self`: the target is the actor).
 */
export function decide(
  actor: ParticipantRole,
  action: HostAction,
  target?: { role: ParticipantRole; self: boolean },
): Decision {
  if (!hasHostRights(actor)) return { ok: false, message: `only the host or a co-host can ${WHAT[action]}` };
  if (action === "setCoHost" && actor !== "host") return { ok: false, message: `only the host can ${WHAT[action]}` };
  if (!TARGETED.has(action) || !target) return { ok: true };
  if (target.self) {
    // Muting or lowering one's own hand is harmless; removing or re-ranking oneself is not a moderation act.
    if (action === "mute" || action === "lowerHand") return { ok: true };
    return { ok: false, message: action === "remove" ? "use leave to leave the meeting" : "you cannot change your own role" };
  }
  if (action === "setCoHost" && target.role === "host") return { ok: false, message: "the host is already the host" };
  if (!outranks(actor, target.role)) {
    return { ok: false, message: `a co-host cannot act on ${target.role === "host" ? "the host" : "another co-host"}` };
  }
  return { ok: true };
}
