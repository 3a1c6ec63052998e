"use client";
// One <audio> per remote microphone. If the browser's autoplay policy blocks playback,
// a button asks for the click that unlocks it.
import { useCallback, useEffect, useRef, useState } from "react";
import type { RemoteMedia } from "@/lib/client/room-session";
import { SpeakerIcon } from "./icons";

type SinkAudio = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };

function RemoteAudio({ media, onBlocked, speakerId }: { media: RemoteMedia; onBlocked: () => void; speakerId: string | null }) {
  const ref = useRef<HTMLAudioElement>(null);
  // The chosen speaker ("" = the system default).
  useEffect(() => {
    const el = ref.current as SinkAudio | null;
    if (!el?.setSinkId) return;
    el.setSinkId(speakerId ?? "").catch((err: Error) => console.warn("[room] cannot use that speaker", err));
  }, [speakerId]);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = media.stream;
    el.play().catch((err: Error) => {
      if (err.name === "NotAllowedError") onBlocked();
    });
  }, [media.stream, onBlocked]);
  return <audio ref={ref} autoPlay data-testid="remote-audio" data-peer-id={media.peerId} />;
}

export function RemoteAudioList({ media, speakerId = null }: { media: RemoteMedia[]; speakerId?: string | null }) {
  const [blocked, setBlocked] = useState(false);
  const container = useRef<HTMLDivElement>(null);
  const onBlocked = useCallback(() => setBlocked(true), []);
  const enable = () => {
    const audios = container.current?.querySelectorAll("audio") ?? [];
    Promise.all([...audios].map((a) => a.play()))
      .then(() => setBlocked(false))
      .catch(() => {});
  };
  return (
    <div ref={container}>
      {media.map((m) => (m.kind === "audio" ? <RemoteAudio key={m.consumerId} media={m} onBlocked={onBlocked} speakerId={speakerId} /> : null))}
      {blocked && (
        <div className="fixed inset-x-0 top-4 z-20 flex justify-center">
          <button
            type="button"
            data-testid="enable-audio"
            onClick={enable}
            className="flex items-center gap-2 rounded-full bg-amber-500 px-4 py-2 font-medium text-slate-950 shadow-lg focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white"
          >
            <SpeakerIcon /> Click to enable audio
          </button>
        </div>
      )}
    </div>
  );
}
