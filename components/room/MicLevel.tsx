"use client";
// A live microphone level meter. It reads the level straight from the session on every
// animation frame and writes the bar's width itself: no React re-render per frame. The bar
// falls back slowly (like a VU meter) so short sounds stay visible.
import { useEffect, useRef } from "react";
import type { RoomSession } from "@/lib/client/room-session";

const DECAY_PER_FRAME = 0.92;

export function MicLevel({ session, active, className = "" }: { session: RoomSession; active: boolean; className?: string }) {
  const meterRef = useRef<HTMLDivElement>(null);
  const barRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const meter = meterRef.current;
    const bar = barRef.current;
    if (!meter || !bar) return;
    let shown = 0;
    let frame = 0;
    let lastWritten = -1;
    const tick = () => {
      const level = active ? session.micLevel() : 0;
      shown = Math.max(level, shown * DECAY_PER_FRAME);
      const pct = Math.round(shown * 100);
      if (pct !== lastWritten) {
        lastWritten = pct;
        bar.style.width = `${pct}%`;
        meter.setAttribute("aria-valuenow", String(pct));
        meter.dataset.level = String(pct);
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [session, active]);

  return (
    <div
      ref={meterRef}
      data-testid="mic-level"
      data-level="0"
      role="meter"
      aria-label="Microphone level"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={0}
      className={`h-2 w-full overflow-hidden rounded-full bg-slate-800 ${className}`}
    >
      <div ref={barRef} className="h-full w-0 rounded-full bg-emerald-500" />
    </div>
  );
}
