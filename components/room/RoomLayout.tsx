"use client";
// Where the tiles go. Three arrangements:
// - grid: every camera tile the same size, as large as the screen allows (fitGrid); in big
//   rooms only as many as fit (at most 25) per page, my own tile and the active speaker on
//   every page (tile-paging.ts). Tiles on other pages are not rendered, so their videos
//   are paused on the server (layer-reporter.ts: consumed but shown nowhere = hidden);
// - speaker: the active speaker large, everyone else in a filmstrip below;
// - a screen share takes the stage whatever the mode, the cameras move to a side strip
//   (below on narrow screens).
import { isValidElement, useLayoutEffect, useRef, useState, type ReactNode, type RefObject } from "react";
import type { RoomLayoutMode } from "@/lib/client/room-session";
import { fitGrid, pageTiles, tilesPerPage } from "@/lib/client/tile-paging";
import { focusRing } from "./styles";

const GAP = 12;
const PAGER_HEIGHT = 44;

function keyOf(node: ReactNode, i: number): string {
  return isValidElement(node) && node.key != null ? String(node.key) : String(i);
}

/** An element's size, kept current with a ResizeObserver. */
function useElementSize(ref: RefObject<HTMLElement | null>): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const read = () => {
      const width = el.clientWidth;
      const height = el.clientHeight;
      setSize((s) => (s.width === width && s.height === height ? s : { width, height }));
    };
    read();
    const ro = new ResizeObserver(read);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return size;
}

export interface RoomLayoutProps {
  /** Camera / avatar tiles, keyed (the keys are what `stageKey`, `pinnedKey`, `fixedKey` name). */
  cameras: ReactNode[];
  screens: ReactNode[];
  mode?: RoomLayoutMode;
  /** The tile the speaker layout shows large. */
  stageKey?: string | null;
  /** The active speaker: on every page of the grid. */
  pinnedKey?: string | null;
  /** My own tile: first on every page. */
  fixedKey?: string | null;
}

export function RoomLayout(props: RoomLayoutProps) {
  const ref = useRef<HTMLDivElement>(null);
  const size = useElementSize(ref);
  return (
    <div ref={ref} className="h-full min-h-0">
      <Arrangement {...props} size={size} />
    </div>
  );
}

function Arrangement({
  cameras,
  screens,
  mode = "grid",
  stageKey = null,
  pinnedKey = null,
  fixedKey = null,
  size: outer,
}: RoomLayoutProps & { size: { width: number; height: number } }) {
  const [page, setPage] = useState(0);
  const byKey = new Map(cameras.map((c, i) => [keyOf(c, i), c]));
  const keys = [...byKey.keys()];

  if (screens.length > 0) {
    return (
      <div className="flex h-full min-h-0 flex-col gap-3 p-3 lg:flex-row">
        <section aria-label="Screen shares" className="flex min-h-0 flex-1 items-center justify-center">
          <div className={`grid w-full gap-3 ${screens.length > 1 ? "xl:grid-cols-2" : ""}`}>{screens}</div>
        </section>
        <section
          aria-label="Participants"
          className="flex shrink-0 gap-3 overflow-x-auto lg:w-72 lg:flex-col lg:overflow-y-auto lg:overflow-x-visible"
        >
          {keys.map((k) => (
            <div key={k} className="w-48 shrink-0 lg:w-full">
              {byKey.get(k)}
            </div>
          ))}
        </section>
      </div>
    );
  }

  if (mode === "speaker" && keys.length > 1) {
    const stage = stageKey !== null && byKey.has(stageKey) ? stageKey : keys.find((k) => k !== fixedKey) ?? keys[0];
    const strip = keys.filter((k) => k !== stage);
    const stripHeight = 112 + GAP;
    const inner = { width: outer.width - 24, height: outer.height - 24 }; // p-3
    const stageWidth = Math.max(0, Math.floor(Math.min(inner.width, ((inner.height - stripHeight) * 16) / 9)));
    return (
      <div className="flex h-full min-h-0 flex-col gap-3 p-3">
        <section aria-label="Active speaker" className="flex min-h-0 flex-1 items-center justify-center">
          <div key={stage} style={stageWidth > 0 ? { width: stageWidth } : undefined} className="w-full">
            {byKey.get(stage)}
          </div>
        </section>
        <section aria-label="Participants" className="flex h-28 shrink-0 justify-center gap-3 overflow-x-auto">
          {strip.map((k) => (
            <div key={k} className="h-full w-48 shrink-0">
              {byKey.get(k)}
            </div>
          ))}
        </section>
      </div>
    );
  }

  const size = { width: outer.width - 32, height: outer.height - 32 }; // p-4
  const perPage = tilesPerPage(size.width, size.height - PAGER_HEIGHT, GAP);
  const shown = pageTiles(keys, { perPage, page, fixed: fixedKey, pinned: pinnedKey });
  const paged = shown.pageCount > 1;
  const fit = fitGrid(shown.keys.length, size.width, size.height - (paged ? PAGER_HEIGHT : 0), GAP);
  const measured = size.width > 0 && fit.tileWidth > 0;
  return (
    <div className="flex h-full min-h-0 flex-col items-center justify-center gap-3 p-4">
      <section
        aria-label="Participants"
        className="grid w-full justify-center gap-3"
        style={measured ? { gridTemplateColumns: `repeat(${fit.cols}, ${fit.tileWidth}px)` } : undefined}
      >
        {shown.keys.map((k) => (
          <div key={k} className="min-w-0">
            {byKey.get(k)}
          </div>
        ))}
      </section>
      {paged && (
        <nav aria-label="Participant pages" className="flex shrink-0 items-center gap-3 text-sm">
          <button
            type="button"
            data-testid="grid-page-prev"
            disabled={shown.page === 0}
            onClick={() => setPage(shown.page - 1)}
            className={`rounded-full bg-slate-800 px-3 py-1 hover:bg-slate-700 disabled:opacity-40 ${focusRing}`}
          >
            Previous
          </button>
          <span data-testid="grid-page" aria-live="polite">
            Page {shown.page + 1} of {shown.pageCount}
          </span>
          <button
            type="button"
            data-testid="grid-page-next"
            disabled={shown.page >= shown.pageCount - 1}
            onClick={() => setPage(shown.page + 1)}
            className={`rounded-full bg-slate-800 px-3 py-1 hover:bg-slate-700 disabled:opacity-40 ${focusRing}`}
          >
            Next
          </button>
        </nav>
      )}
    </div>
  );
}
