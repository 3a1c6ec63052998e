"use client";
// The in-meeting screen: header, tiles, remote audio, controls.
import { useRef } from "react";
import type { RoomSession, RoomState } from "@/lib/client/room-session";
import { useGroupedMedia } from "@/lib/client/use-room";
import { AvatarTile } from "./AvatarTile";
import { ControlsBar } from "./ControlsBar";
import { LayoutToggle } from "./LayoutToggle";
import { MutedHint } from "./MutedHint";
import { ParticipantCount } from "./ParticipantCount";
import { ReconnectingBanner } from "./ReconnectingBanner";
import { RemoteAudioList } from "./RemoteAudio";
import { RoomLayout } from "./RoomLayout";
import { ScreenTile } from "./ScreenTile";
import { SelfTile } from "./SelfTile";
import { useModerationUi } from "./useModerationUi";
import { useRoomPanels } from "./useRoomPanels";
import { useShortcuts } from "./useShortcuts";
import { VideoTile } from "./VideoTile";
import { VideoViewsContext } from "./video-views";

/** The remote speaker the speaker layout shows: the active one, else the last remote one, else the first. */
function useStageSpeaker(state: RoomState): string | null {
  const lastRemote = useRef<string | null>(null);
  const ids = state.participants.map((p) => p.id);
  const active = state.activeSpeakerId;
  if (active && active !== state.selfId && ids.includes(active)) lastRemote.current = active;
  if (lastRemote.current && !ids.includes(lastRemote.current)) lastRemote.current = null;
  return lastRemote.current ?? ids[0] ?? null;
}

export function RoomView({ session, state, title }: { session: RoomSession; state: RoomState; title?: string }) {
  const grouped = useGroupedMedia(state);
  const moderation = useModerationUi(session, state);
  const { local, quality } = state;
  const compact = grouped.length >= 6;
  const withScreens = grouped.some((g) => g.screen) || !!local.screenStream;
  const speaking = new Set(state.speaking);
  const stageSpeaker = useStageSpeaker(state);

  const cameras = [
    <SelfTile
      key="self"
      name={state.displayName}
      stream={local.cameraStream}
      cameraOn={local.cameraOn}
      micOn={local.micOn}
      quality={state.selfId ? quality[state.selfId] : undefined}
      compact={compact || withScreens}
      speaking={!!state.selfId && speaking.has(state.selfId) && local.micOn}
      badges={moderation.badgesFor(state.selfId, state.displayName)}
    />,
    ...grouped.map(({ participant, camera, mic }) =>
      camera ? (
        <VideoTile
          key={participant.id}
          participant={participant}
          camera={camera}
          mic={mic}
          quality={quality[participant.id]}
          compact={compact || withScreens}
          speaking={speaking.has(participant.id)}
          badges={moderation.badgesFor(participant.id, participant.displayName)}
        />
      ) : (
        <AvatarTile
          key={participant.id}
          participant={participant}
          mic={mic}
          quality={quality[participant.id]}
          compact={compact || withScreens}
          speaking={speaking.has(participant.id)}
          badges={moderation.badgesFor(participant.id, participant.displayName)}
        />
      ),
    ),
  ];
  const screens = [
    ...grouped.flatMap(({ participant, screen }) =>
      screen
        ? [
            <ScreenTile
              key={`screen-${participant.id}`}
              peerId={participant.id}
              name={participant.displayName}
              stream={screen.stream}
              paused={screen.paused}
              quality={quality[participant.id]}
              reconnecting={participant.reconnecting}
              consumerId={screen.consumerId}
            />,
          ]
        : [],
    ),
    ...(local.screenStream ? [<ScreenTile key="screen-self" name={state.displayName} stream={local.screenStream} />] : []),
  ];

  const canShareScreen = typeof navigator !== "undefined" && !!navigator.mediaDevices?.getDisplayMedia;
  // one side-panel area: the participants list and chat may stay open side by side
  const panels = useRoomPanels(session, state, { participants: moderation.panel, participantsToggle: moderation.panelToggle });
  useShortcuts({
    toggleMic: () => void session.toggleMic(),
    toggleCamera: () => void session.toggleCamera(),
    toggleScreen: canShareScreen ? () => void session.toggleScreen() : undefined,
    toggleHand: moderation.toggleHand,
    toggleParticipants: moderation.toggleParticipants,
    toggleChat: panels.toggleChat,
    leave: () => void session.leave(),
    showHelp: panels.showHelp,
  });

  return (
    <div className="relative flex h-dvh flex-col">
      <header className="flex items-center justify-between gap-3 border-b border-white/10 px-4 py-2">
        <h1 className="truncate text-base font-medium">
          <span className="sr-only">Meeting </span>
          {title ?? state.roomId}
        </h1>
        <div className="flex items-center gap-2">
          <LayoutToggle speaker={state.layout === "speaker"} onChange={(on) => session.setLayout(on ? "speaker" : "grid")} />
          <ParticipantCount count={state.participants.length + 1} />
        </div>
      </header>
      {state.connection.status === "reconnecting" && <ReconnectingBanner attempt={state.connection.attempt} />}
      <div className="flex min-h-0 flex-1">
        <main className="min-h-0 flex-1 overflow-auto">
          <VideoViewsContext.Provider value={session.adaptive.layerReporter}>
            <RoomLayout
              cameras={cameras}
              screens={screens}
              mode={state.layout}
              stageKey={stageSpeaker}
              pinnedKey={state.activeSpeakerId}
              fixedKey="self"
            />
          </VideoViewsContext.Provider>
        </main>
        {panels.panels}
      </div>
      {moderation.overlay}
      {local.speakingWhileMuted && <MutedHint onUnmute={() => void session.setMic(true)} />}
      {state.notice && (
        <div role="status" data-testid="room-notice" className="mx-auto mb-1 flex items-center gap-3 rounded-lg bg-amber-500/15 px-4 py-2 text-sm text-amber-200">
          <span>{state.notice}</span>
          <button
            type="button"
            onClick={() => session.dismissNotice()}
            className="rounded px-2 text-amber-100 underline focus-visible:outline-2 focus-visible:outline-amber-300"
          >
            Dismiss
          </button>
        </div>
      )}
      <footer className="flex flex-wrap items-center border-t border-white/10 bg-slate-950 px-2">
        <div className="hidden flex-1 md:block" />
        <ControlsBar
          micOn={local.micOn}
          cameraOn={local.cameraOn}
          screenOn={local.screenOn}
          busy={local.busy}
          canShareScreen={canShareScreen}
          onToggleMic={() => void session.toggleMic()}
          onToggleCamera={() => void session.toggleCamera()}
          onToggleScreen={() => void session.toggleScreen()}
          onLeave={() => void session.leave()}
          beforeLeave={moderation.controls}
        >
          {moderation.endControl}
        </ControlsBar>
        <div role="group" aria-label="Panels" className="flex flex-1 items-center justify-end gap-2 pb-2 md:pb-0">
          {panels.toggles}
        </div>
      </footer>
      <RemoteAudioList media={state.media} speakerId={state.devices.speaker} />
      {panels.dialogs}
    </div>
  );
}
