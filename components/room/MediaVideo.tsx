"use client";
// A <video> bound to a MediaStream (srcObject cannot be set through JSX). With a consumerId
// (a remote video) it reports its rendered size and visibility for per-viewer layers.
import { useEffect, useRef } from "react";
import { useReportedView } from "./video-views";

export interface MediaVideoProps {
  stream: MediaStream | null;
  mirrored?: boolean;
  fit?: "cover" | "contain";
  hidden?: boolean;
  className?: string;
  /** The remote consumer this video shows (per-viewer layers). */
  consumerId?: string;
  "data-testid"?: string;
}

export function MediaVideo({ stream, mirrored, fit = "cover", hidden, className = "", consumerId, ...rest }: MediaVideoProps) {
  const ref = useRef<HTMLVideoElement>(null);
  useReportedView(consumerId, ref);
  useEffect(() => {
    const el = ref.current;
    if (!el || el.srcObject === stream) return;
    el.srcObject = stream;
    // Muted video autoplays without a user gesture; audio is played by <RemoteAudio>.
    if (stream) el.play().catch(() => {});
  }, [stream]);
  return (
    <video
      ref={ref}
      autoPlay
      playsInline
      muted
      data-testid={rest["data-testid"]}
      className={[
        "absolute inset-0 size-full bg-black",
        fit === "cover" ? "object-cover" : "object-contain",
        mirrored ? "-scale-x-100" : "",
        hidden ? "invisible" : "",
        className,
      ].join(" ")}
    />
  );
}
