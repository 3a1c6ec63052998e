// The moderation side of the browser's room state: my role, the lock, raised hands (in the
// order raised), the lobby list hosts see, reactions on screen and — while waiting to get
// in — what I wait for. A pure sub-reducer of room-state.ts, unit-tested without a browser.
import type {
  LobbyRequest,
  ParticipantRole,
  RaisedHand,
  Reaction,
  RoomControl,
  WaitingInfo,
} from "@/lib/signaling/protocol";

/** A reaction currently shown on someone's tile (removed after REACTION_SHOW_MS). */
export interface ShownReaction {
  id: number;
  peerId: string;
  reaction: Reaction;
}

export const REACTION_SHOW_MS = 4_000;
/** At most this many reactions on screen at once (a burst must not bury the tiles). */
export const MAX_SHOWN_REACTIONS = 12;

export interface ModerationState {
  role: ParticipantRole;
  locked: boolean;
  hands: RaisedHand[];
  /** Hosts and co-hosts: who waits in the lobby (empty for everyone else). */
  lobby: LobbyRequest[];
  reactions: ShownReaction[];
  /** Set while in the lobby or waiting for the host. */
  waiting: WaitingInfo | null;
}

export type ModerationAction =
  /** The whole moderation state (join, resume); `role` when known. */
  | { type: "control"; control: RoomControl; role?: ParticipantRole }
  | { type: "waiting"; waiting: WaitingInfo }
  | { type: "hands"; hands: RaisedHand[] }
  | { type: "lobby"; requests: LobbyRequest[] }
  | { type: "locked"; locked: boolean }
  | { type: "reaction"; reaction: ShownReaction }
  | { type: "reactionExpired"; id: number };

export function initialModerationState(): ModerationState {
  return { role: "participant", locked: false, hands: [], lobby: [], reactions: [], waiting: null };
}

export function moderationReducer(state: ModerationState, action: ModerationAction): ModerationState {
  switch (action.type) {
    case "control":
      return {
        ...state,
        role: action.role ?? state.role,
        locked: action.control.locked,
        hands: action.control.hands,
        lobby: action.control.lobby,
      };
    case "waiting":
      return { ...state, waiting: action.waiting };
    case "hands":
      return { ...state, hands: action.hands };
    case "lobby":
      return { ...state, lobby: action.requests };
    case "locked":
      return state.locked === action.locked ? state : { ...state, locked: action.locked };
    case "reaction":
      return { ...state, reactions: [...state.reactions, action.reaction].slice(-MAX_SHOWN_REACTIONS) };
    case "reactionExpired": {
      const reactions = state.reactions.filter((r) => r.id !== action.id);
      return reactions.length === state.reactions.length ? state : { ...state, reactions };
    }
  }
}

export function isHandRaised(state: ModerationState, peerId: string | null): boolean {
  return !!peerId && state.hands.some((h) => h.peerId === peerId);
}

/** The newest reaction shown for `peerId`, if any. */
export function reactionOf(state: ModerationState, peerId: string | null): ShownReaction | undefined {
  if (!peerId) return undefined;
  for (let i = state.reactions.length - 1; i >= 0; i--) if (state.reactions[i].peerId === peerId) return state.reactions[i];
  return undefined;
}

/**
 * The participants panel's order: raised hands first, in the order raised, then everyone
 * else in their given order (join order, me first).
 */
export function orderByHands<T extends { id: string }>(people: T[], hands: RaisedHand[]): T[] {
  const position = new Map(hands.map((h, i) => [h.peerId, i]));
  const raised = people.filter((p) => position.has(p.id)).sort((a, b) => position.get(a.id)! - position.get(b.id)!);
  return [...raised, ...people.filter((p) => !position.has(p.id))];
}

export const REACTION_EMOJI: Record<Reaction, { emoji: string; label: string }> = {
  "thumbs-up": { emoji: "👍", label: "Thumbs up" },
  clap: { emoji: "👏", label: "Clap" },
  laugh: { emoji: "😂", label: "Laugh" },
  heart: { emoji: "❤️", label: "Heart" },
  party: { emoji: "🎉", label: "Celebrate" },
  wow: { emoji: "😮", label: "Wow" },
};
