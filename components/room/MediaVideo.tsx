"use client";
// A <video> bound to a MediaStream (srcObject cannot be set through JSX).
import { useEffect, useRef } from "react";

export interface MediaVideoProps {
  stream: MediaStream | null;
  mirrored?: boolean;
  fit?: "cover" | "contain";
  hidden?: boolean;
  className?: string;
  "data-testid"?: string;
}

export function MediaVideo({ stream, mirrored, fit = "cover", hidden, className = "", ...rest }: MediaVideoProps) {
  const ref = useRef<HTMLVideoElement>(null);
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
