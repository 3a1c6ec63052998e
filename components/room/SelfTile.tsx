"use client";
// My own camera, mirrored like a mirror (others see it unmirrored).
import type { ReactNode } from "react";
import type { PeerQuality } from "@/lib/signaling/protocol";
import { MediaVideo } from "./MediaVideo";
import { QualityIndicator } from "./QualityIndicator";
import { Avatar, TileFrame } from "./Tile";

export interface SelfTileProps {
  name: string;
  stream: MediaStream | null;
  cameraOn: boolean;
  micOn: boolean;
  quality?: PeerQuality;
  compact?: boolean;
  speaking?: boolean;
  badges?: ReactNode;
}

export function SelfTile({ name, stream, cameraOn, micOn, quality, compact, speaking, badges }: SelfTileProps) {
  const showVideo = cameraOn && !!stream;
  return (
    <TileFrame
      data-testid="self-tile"
      data-muted={showVideo ? "false" : "true"}
      speaking={speaking}
      label={`${name || "You"} (you)`}
      micMuted={!micOn}
      topLeft={badges}
      topRight={<QualityIndicator quality={quality} />}
    >
      <MediaVideo data-testid="local-video" stream={stream} mirrored hidden={!showVideo} />
      {!showVideo && <Avatar name={name} small={compact} />}
    </TileFrame>
  );
}
