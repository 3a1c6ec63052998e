"use client";
// A remote participant's camera. The <video> stays mounted while the camera is off so the
// stream resumes without a re-render race.
import type { ReactNode } from "react";
import type { PeerQuality } from "@/lib/signaling/protocol";
import type { Participant, RemoteMedia } from "@/lib/client/room-session";
import { MediaVideo } from "./MediaVideo";
import { QualityIndicator } from "./QualityIndicator";
import { Avatar, roleLabel, TileFrame } from "./Tile";
import { CameraOffIcon } from "./icons";

export interface VideoTileProps {
  participant: Participant;
  camera: RemoteMedia;
  mic?: RemoteMedia;
  quality?: PeerQuality;
  compact?: boolean;
  speaking?: boolean;
  badges?: ReactNode;
}

export function VideoTile({ participant, camera, mic, quality, compact, speaking, badges }: VideoTileProps) {
  const name = participant.displayName;
  return (
    <TileFrame
      data-testid="remote-tile"
      data-peer-id={participant.id}
      data-peer-name={name}
      data-source="camera"
      data-consumer-id={camera.consumerId}
      data-muted={camera.paused ? "true" : "false"}
      data-reconnecting={participant.reconnecting ? "true" : "false"}
      data-speaking={speaking ? "true" : "false"}
      speaking={speaking}
      reconnecting={participant.reconnecting}
      label={roleLabel(participant)}
      micMuted={!mic || mic.paused}
      topLeft={badges}
      topRight={
        <>
          {camera.paused && (
            <span className="rounded bg-black/50 p-0.5 text-slate-200" role="img" aria-label="Camera off" title="Camera off">
              <CameraOffIcon />
            </span>
          )}
          <QualityIndicator quality={quality} />
        </>
      }
    >
      <MediaVideo stream={camera.stream} hidden={camera.paused} consumerId={camera.consumerId} />
      {camera.paused && <Avatar name={name} small={compact} />}
    </TileFrame>
  );
}
