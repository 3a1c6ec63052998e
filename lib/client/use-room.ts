"use client";
// React binding for RoomSession: one session per mount (a new one on "Rejoin").
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import type { MediaSource } from "@/lib/signaling/protocol";
import { RoomSession, type Participant, type RemoteMedia, type RoomState } from "./room-session";
import { loadDisplayName } from "./display-name";

const noopSubscribe = () => () => {};
const nullSnapshot = () => null;

export interface UseRoom {
  session: RoomSession | null;
  state: RoomState | null;
  /** Starts a fresh session and joins right away with the previous name and devices. */
  rejoin: () => void;
}

export function useRoom(roomId: string, inviteToken?: string): UseRoom {
  const [generation, setGeneration] = useState(0);
  const [session, setSession] = useState<RoomSession | null>(null);
  const autoJoin = useRef<{ name: string; camera: boolean; mic: boolean } | null>(null);

  useEffect(() => {
    const auto = autoJoin.current;
    const s = new RoomSession({
      roomId,
      inviteToken,
      displayName: auto?.name ?? loadDisplayName(),
      camera: auto?.camera,
      mic: auto?.mic,
    });
    setSession(s);
    s.start();
    if (auto) void s.join(auto.name);
    return () => s.destroy();
  }, [roomId, inviteToken, generation]);

  const state = useSyncExternalStore(
    session?.subscribe ?? noopSubscribe,
    session?.getState ?? nullSnapshot,
    nullSnapshot,
  );

  const rejoin = useCallback(() => {
    const st = session?.getState();
    autoJoin.current = {
      name: st?.displayName || loadDisplayName(),
      camera: st ? st.local.cameraOn : true,
      mic: st ? st.local.micOn : true,
    };
    setGeneration((g) => g + 1);
  }, [session]);

  return { session, state, rejoin };
}

/** A remote participant with their media grouped by source. */
export interface ParticipantMedia {
  participant: Participant;
  camera?: RemoteMedia;
  mic?: RemoteMedia;
  screen?: RemoteMedia;
}

export function groupMedia(participants: Participant[], media: RemoteMedia[]): ParticipantMedia[] {
  const byPeer = new Map<string, ParticipantMedia>();
  for (const p of participants) byPeer.set(p.id, { participant: p });
  for (const m of media) {
    let entry = byPeer.get(m.peerId);
    if (!entry) {
      // Media can arrive a moment before peerJoined; show it under a placeholder name.
      entry = { participant: { id: m.peerId, displayName: "Guest", isHost: false, role: "participant", reconnecting: false } };
      byPeer.set(m.peerId, entry);
    }
    const key: MediaSource = m.source;
    if (m.kind === "audio" && key !== "mic") continue;
    entry[key] = m;
  }
  return [...byPeer.values()];
}

export function useGroupedMedia(state: RoomState): ParticipantMedia[] {
  return useMemo(() => groupMedia(state.participants, state.media), [state.participants, state.media]);
}
