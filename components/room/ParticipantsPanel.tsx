"use client";
// Everyone in the room — me first, raised hands on top in the order raised — with mic and
// camera state, host badge and, for hosts and co-hosts, the controls they may use on each
// person (the server checks every one of them again). The room lock and "mute all" sit at
// the top for hosts.
import { useId, type ReactNode } from "react";
import type { RoomSession, RoomState } from "@/lib/client/room-session";
import { isHandRaised, orderByHands } from "@/lib/client/moderation-state";
import { outranks } from "@/lib/rooms/permissions";
import type { ParticipantRole } from "@/lib/signaling/protocol";
import { CameraOffIcon, MicIcon, MicOffIcon } from "./icons";
import { HandIcon, LockIcon, UnlockIcon, XIcon } from "./moderation-icons";
import { focusRing } from "./styles";

export const PARTICIPANTS_PANEL_ID = "participants-panel";

type Row = {
  id: string;
  name: string;
  role: ParticipantRole;
  self: boolean;
  micOn: boolean;
  cameraOn: boolean;
  screenOn: boolean;
  reconnecting: boolean;
};

function rowsOf(state: RoomState): Row[] {
  const { local, media } = state;
  const has = (peerId: string, source: "mic" | "camera" | "screen") =>
    media.some((m) => m.peerId === peerId && m.source === source && (source !== "screen" ? !m.paused : true));
  const me: Row = {
    id: state.selfId ?? "self",
    name: state.displayName || "You",
    role: state.moderation.role,
    self: true,
    micOn: local.micOn,
    cameraOn: local.cameraOn,
    screenOn: local.screenOn,
    reconnecting: false,
  };
  const others = state.participants.map((p) => ({
    id: p.id,
    name: p.displayName,
    role: p.role,
    self: false,
    micOn: has(p.id, "mic"),
    cameraOn: has(p.id, "camera"),
    screenOn: has(p.id, "screen"),
    reconnecting: p.reconnecting,
  }));
  return orderByHands([me, ...others], state.moderation.hands);
}

const small = `rounded-md px-2 py-1 text-xs font-medium ${focusRing}`;

export function ParticipantsPanel({
  session,
  state,
  onClose,
  lobby,
}: {
  session: RoomSession;
  state: RoomState;
  onClose: () => void;
  /** Hosts: the lobby requests, shown above the list. */
  lobby?: ReactNode;
}) {
  const headingId = useId();
  const { moderation } = state;
  const myRole = moderation.role;
  const rows = rowsOf(state);
  const mod = session.moderation;

  return (
    <aside
      id={PARTICIPANTS_PANEL_ID}
      data-testid="participants-panel"
      aria-labelledby={headingId}
      onKeyDown={(e) => {
        if (e.key === "Escape") onClose();
      }}
      className="flex min-h-0 w-full flex-col border-l border-white/10 bg-slate-950 max-lg:fixed max-lg:inset-x-0 max-lg:bottom-[4.5rem] max-lg:top-11 max-lg:z-30 lg:w-80"
    >
      <header className="flex items-center gap-2 border-b border-white/10 px-4 py-2">
        <h2 id={headingId} className="flex-1 text-base font-medium">
          People ({rows.length})
        </h2>
        <button
          type="button"
          onClick={onClose}
          aria-label="Close the participants list"
          className={`rounded-md p-1.5 text-slate-300 hover:bg-slate-800 hover:text-white ${focusRing}`}
        >
          <XIcon />
        </button>
      </header>

      {state.isHost && (
        <div role="group" aria-label="Host controls" className="flex flex-wrap gap-2 border-b border-white/10 px-4 py-2">
          <button
            type="button"
            data-testid="room-lock"
            aria-pressed={moderation.locked}
            onClick={() => void mod.setLocked(!moderation.locked)}
            title={moderation.locked ? "Newcomers wait in the lobby. Click to unlock." : "Make newcomers wait in the lobby"}
            className={`${small} flex items-center gap-1.5 ${moderation.locked ? "bg-amber-500 text-slate-950 hover:bg-amber-400" : "bg-slate-800 hover:bg-slate-700"}`}
          >
            {moderation.locked ? <LockIcon /> : <UnlockIcon />}
            {moderation.locked ? "Room locked" : "Lock room"}
          </button>
          <button
            type="button"
            data-testid="mute-all"
            onClick={() => void mod.muteAll()}
            className={`${small} flex items-center gap-1.5 bg-slate-800 hover:bg-slate-700`}
          >
            <MicOffIcon /> Mute everyone
          </button>
        </div>
      )}

      {lobby}
      <ul className="min-h-0 flex-1 divide-y divide-white/5 overflow-y-auto" aria-label="Participants">
        {rows.map((row) => {
          const hand = isHandRaised(moderation, row.self ? state.selfId : row.id);
          const canModerate = !row.self && outranks(myRole, row.role);
          return (
            <li
              key={row.id}
              data-testid="participant-row"
              data-peer-id={row.id}
              data-peer-name={row.name}
              data-hand={hand ? "up" : "down"}
              data-host={row.role === "participant" ? "false" : "true"}
              data-role={row.role}
              data-self={row.self ? "true" : "false"}
              className="px-4 py-2"
            >
              <div className="flex items-center gap-2">
                {hand && (
                  <span role="img" aria-label="Hand raised" title="Hand raised" className="text-amber-300">
                    <HandIcon />
                  </span>
                )}
                <span className="min-w-0 flex-1 truncate">
                  {row.name}
                  {row.self && <span className="text-slate-400"> (you)</span>}
                  {row.reconnecting && <span className="text-amber-300"> · reconnecting</span>}
                </span>
                {row.role !== "participant" && (
                  <span className="rounded bg-sky-900/70 px-1.5 text-xs text-sky-200">{row.role === "host" ? "Host" : "Co-host"}</span>
                )}
                <span role="img" aria-label={row.micOn ? "Microphone on" : "Microphone off"} className={row.micOn ? "text-slate-300" : "text-red-400"}>
                  {row.micOn ? <MicIcon /> : <MicOffIcon />}
                </span>
                {!row.cameraOn && (
                  <span role="img" aria-label="Camera off" className="text-slate-500">
                    <CameraOffIcon />
                  </span>
                )}
              </div>
              {(canModerate || (hand && row.self)) && (
                <div className="mt-1.5 flex flex-wrap gap-1.5" role="group" aria-label={`Actions for ${row.name}`}>
                  {hand && row.self && (
                    <button type="button" onClick={() => void mod.lowerHand()} className={`${small} bg-slate-800 hover:bg-slate-700`}>
                      Lower hand
                    </button>
                  )}
                  {canModerate && (
                    <>
                      <button
                        type="button"
                        data-testid="participant-mute"
                        disabled={!row.micOn}
                        aria-label={row.micOn ? `Mute ${row.name}` : `${row.name} is muted`}
                        onClick={() => void mod.mute(row.id, "mic")}
                        className={`${small} bg-slate-800 hover:bg-slate-700 disabled:opacity-50`}
                      >
                        Mute
                      </button>
                      {row.cameraOn && (
                        <button
                          type="button"
                          data-testid="participant-stop-camera"
                          aria-label={`Turn off ${row.name}'s camera`}
                          onClick={() => void mod.mute(row.id, "camera")}
                          className={`${small} bg-slate-800 hover:bg-slate-700`}
                        >
                          Stop camera
                        </button>
                      )}
                      {row.screenOn && (
                        <button
                          type="button"
                          data-testid="participant-stop-screen"
                          aria-label={`Stop ${row.name}'s screen share`}
                          onClick={() => void mod.mute(row.id, "screen")}
                          className={`${small} bg-slate-800 hover:bg-slate-700`}
                        >
                          Stop sharing
                        </button>
                      )}
                      {hand && (
                        <button
                          type="button"
                          data-testid="participant-lower-hand"
                          aria-label={`Lower ${row.name}'s hand`}
                          onClick={() => void mod.lowerHand(row.id)}
                          className={`${small} bg-slate-800 hover:bg-slate-700`}
                        >
                          Lower hand
                        </button>
                      )}
                      {myRole === "host" && (
                        <button
                          type="button"
                          data-testid="participant-cohost"
                          aria-pressed={row.role === "cohost"}
                          onClick={() => void mod.setCoHost(row.id, row.role !== "cohost")}
                          className={`${small} bg-slate-800 hover:bg-slate-700`}
                        >
                          {row.role === "cohost" ? "Remove co-host" : "Make co-host"}
                        </button>
                      )}
                      <button
                        type="button"
                        data-testid="participant-remove"
                        aria-label={`Remove ${row.name} from the meeting`}
                        onClick={() => void mod.remove(row.id)}
                        className={`${small} bg-red-900/70 text-red-100 hover:bg-red-800`}
                      >
                        Remove
                      </button>
                    </>
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </aside>
  );
}
