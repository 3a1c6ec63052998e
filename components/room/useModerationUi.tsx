"use client";
// The moderation pieces of the room screen, gathered so RoomView only places them: the
// controls-bar buttons, the participants panel, the lobby requests card for hosts, and the
// badges (hand, reaction) for each tile.
import { useCallback, useState, type ReactNode } from "react";
import type { RoomSession, RoomState } from "@/lib/client/room-session";
import { isHandRaised, reactionOf } from "@/lib/client/moderation-state";
import { LobbyRequests } from "./LobbyRequests";
import { EndMeetingButton, ParticipantsToggle, RaiseHandButton, ReactionsButton } from "./ModerationControls";
import { PARTICIPANTS_PANEL_ID, ParticipantsPanel } from "./ParticipantsPanel";
import { TileBadges } from "./TileBadges";

export interface ModerationUi {
  /** Raise hand, reactions, participants toggle (for the controls bar). */
  controls: ReactNode;
  /** "End for all", hosts only (beside Leave). */
  endControl: ReactNode;
  /** The participants panel when open (beside the stage). */
  panel: ReactNode;
  /** Lobby requests card (hosts), over the stage. */
  overlay: ReactNode;
  badgesFor(peerId: string | null, name: string): ReactNode;
  toggleParticipants(): void;
  toggleHand(): void;
}

export function useModerationUi(session: RoomSession, state: RoomState): ModerationUi {
  const [open, setOpen] = useState(false);
  const { moderation } = state;
  const toggleParticipants = useCallback(() => setOpen((o) => !o), []);
  const toggleHand = useCallback(() => void session.moderation.toggleHand(), [session]);
  const lobby = (inline: boolean) =>
    state.isHost ? <LobbyRequests requests={moderation.lobby} moderation={session.moderation} inline={inline} /> : null;
  return {
    controls: (
      <>
        <RaiseHandButton raised={isHandRaised(moderation, state.selfId)} onToggle={toggleHand} />
        <ReactionsButton onReact={(r) => void session.moderation.react(r)} />
        <ParticipantsToggle
          open={open}
          panelId={PARTICIPANTS_PANEL_ID}
          count={state.participants.length + 1}
          waiting={state.isHost ? moderation.lobby.length : 0}
          onToggle={toggleParticipants}
        />
      </>
    ),
    endControl: state.isHost ? <EndMeetingButton onEnd={() => void session.moderation.endMeeting()} /> : null,
    panel: open ? <ParticipantsPanel session={session} state={state} onClose={() => setOpen(false)} lobby={lobby(true)} /> : null,
    overlay: open ? null : lobby(false),
    badgesFor: (peerId, name) => (
      <TileBadges name={name} handRaised={isHandRaised(moderation, peerId)} reaction={reactionOf(moderation, peerId)} />
    ),
    toggleParticipants,
    toggleHand,
  };
}
