"use client";
// Per-viewer layers in the UI: the room's LayerReporter, available to every <MediaVideo>
// that shows a remote consumer, so each tile reports its own size and visibility.
import { createContext, useContext, useEffect, type RefObject } from "react";
import type { LayerReporter } from "@/lib/client/layer-reporter";

export const VideoViewsContext = createContext<LayerReporter | null>(null);

/** Reports how `ref`'s element shows consumer `consumerId` while it is mounted. */
export function useReportedView(consumerId: string | undefined, ref: RefObject<Element | null>): void {
  const reporter = useContext(VideoViewsContext);
  useEffect(() => {
    const el = ref.current;
    if (!reporter || !consumerId || !el) return;
    return reporter.observe(consumerId, el);
  }, [reporter, consumerId, ref]);
}
