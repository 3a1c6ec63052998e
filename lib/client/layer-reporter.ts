// Per-viewer layers, the browser half (LiveKit's adaptive stream is the model): every remote
// <video> is watched with a ResizeObserver (its rendered size) and an IntersectionObserver
// (can any of it be seen: scrolled away, display:none), the page with its visibility (a tab
// in the background for BACKGROUND_HIDE_MS counts as nobody watching). Changes go to the
// server in one `updateConsumerViews`, debounced; a video becoming visible is reported at
// once (someone is waiting for its picture). Videos the client consumes but shows nowhere
// (another page of a big room's grid) are reported hidden after UNSHOWN_HIDE_MS.
import type { ConsumerView } from "@/lib/signaling/protocol";
import { MAX_VIEWS_PER_UPDATE } from "@/lib/signaling/protocol";

export type SendViews = (views: ConsumerView[]) => Promise<unknown>;

/** Size changes are reported this long after they stop (a resize drag is one report). */
export const RESIZE_DEBOUNCE_MS = 150;
/** Hiding waits a moment (scrolling past a tile does not pause it). */
export const HIDE_DELAY_MS = 150;
/** A consumed video with no element showing it for this long is hidden (not on screen). */
export const UNSHOWN_HIDE_MS = 1_000;
/** A background tab this long: nobody is watching. */
export const BACKGROUND_HIDE_MS = 5_000;
/** Sizes are reported in steps of this many device pixels (no report per pixel of a resize). */
const SIZE_STEP = 8;
/** More pixel density than this buys nothing visible in a video tile (LiveKit caps it at 2 too). */
const MAX_PIXEL_RATIO = 2;

type ElementState = { width: number; height: number; intersecting: boolean };
type Entry = { elements: Map<Element, ElementState>; since: number };

function sameView(a: ConsumerView | undefined, b: ConsumerView): boolean {
  return !!a && a.visible === b.visible && a.width === b.width && a.height === b.height;
}

export class LayerReporter {
  private readonly entries = new Map<string, Entry>();
  private readonly reported = new Map<string, ConsumerView>();
  private readonly byElement = new Map<Element, string>();
  private resizeObserver: ResizeObserver | null = null;
  private intersectionObserver: IntersectionObserver | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerDue = Infinity;
  private unshownTimer: ReturnType<typeof setTimeout> | null = null;
  private backgroundTimer: ReturnType<typeof setTimeout> | null = null;
  private pageVisible = true;
  private sending: Promise<void> = Promise.resolve();
  private destroyed = false;

  constructor(private readonly send: SendViews) {
    if (typeof document !== "undefined") {
      document.addEventListener("visibilitychange", this.onVisibilityChange);
      this.onVisibilityChange();
    }
  }

  /** Watches `element` showing consumer `consumerId`; returns the function that stops it. */
  observe(consumerId: string, element: Element): () => void {
    if (this.destroyed) return () => {};
    const entry = this.entry(consumerId);
    const rect = element.getBoundingClientRect();
    entry.elements.set(element, { width: rect.width, height: rect.height, intersecting: true });
    this.byElement.set(element, consumerId);
    this.observers().resize?.observe(element);
    this.observers().intersection?.observe(element);
    this.schedule();
    return () => {
      entry.elements.delete(element);
      this.byElement.delete(element);
      this.resizeObserver?.unobserve(element);
      this.intersectionObserver?.unobserve(element);
      if (entry.elements.size === 0) entry.since = Date.now();
      this.schedule();
    };
  }

  /** The video consumers that exist now (others are forgotten; unshown ones get hidden). */
  sync(videoConsumerIds: Iterable<string>): void {
    const ids = new Set(videoConsumerIds);
    for (const id of [...this.entries.keys()]) {
      if (!ids.has(id) && this.entries.get(id)!.elements.size === 0) this.entries.delete(id);
    }
    for (const id of [...this.reported.keys()]) if (!ids.has(id)) this.reported.delete(id);
    for (const id of ids) this.entry(id);
    this.schedule();
  }

  /** Tell the server everything again (after a resume: reports may have been lost). */
  resendAll(): void {
    this.reported.clear();
    this.schedule(0);
  }

  destroy(): void {
    this.destroyed = true;
    for (const t of [this.timer, this.unshownTimer, this.backgroundTimer]) if (t) clearTimeout(t);
    this.resizeObserver?.disconnect();
    this.intersectionObserver?.disconnect();
    if (typeof document !== "undefined") document.removeEventListener("visibilitychange", this.onVisibilityChange);
    this.entries.clear();
    this.reported.clear();
  }

  /** What the server should know about one consumer now. */
  viewOf(consumerId: string, now = Date.now()): ConsumerView | null {
    const entry = this.entries.get(consumerId);
    if (!entry) return null;
    if (entry.elements.size === 0) {
      // never shown, or its tile went away: hidden once that has lasted a moment
      return now - entry.since >= UNSHOWN_HIDE_MS ? { consumerId, visible: false, width: 0, height: 0 } : null;
    }
    const ratio = Math.min(MAX_PIXEL_RATIO, Math.max(1, globalThis.devicePixelRatio || 1));
    let width = 0;
    let height = 0;
    let visible = false;
    for (const s of entry.elements.values()) {
      if (!s.intersecting || s.width <= 0 || s.height <= 0) continue;
      visible = true;
      width = Math.max(width, s.width);
      height = Math.max(height, s.height);
    }
    visible &&= this.pageVisible;
    const step = (n: number) => Math.ceil((n * ratio) / SIZE_STEP) * SIZE_STEP;
    return visible ? { consumerId, visible, width: step(width), height: step(height) } : { consumerId, visible: false, width: 0, height: 0 };
  }

  private entry(consumerId: string): Entry {
    let e = this.entries.get(consumerId);
    if (!e) {
      e = { elements: new Map(), since: Date.now() };
      this.entries.set(consumerId, e);
    }
    return e;
  }

  private observers(): { resize: ResizeObserver | null; intersection: IntersectionObserver | null } {
    if (!this.resizeObserver && typeof ResizeObserver !== "undefined") {
      this.resizeObserver = new ResizeObserver((records) => {
        for (const r of records) {
          const state = this.stateOf(r.target);
          if (!state) continue;
          state.width = r.contentRect.width;
          state.height = r.contentRect.height;
        }
        this.schedule();
      });
    }
    if (!this.intersectionObserver && typeof IntersectionObserver !== "undefined") {
      this.intersectionObserver = new IntersectionObserver(
        (records) => {
          for (const r of records) {
            const state = this.stateOf(r.target);
            if (state) state.intersecting = r.isIntersecting && r.intersectionRatio > 0;
          }
          this.schedule();
        },
        { threshold: [0, 0.01] },
      );
    }
    return { resize: this.resizeObserver, intersection: this.intersectionObserver };
  }

  private stateOf(el: Element): ElementState | undefined {
    const id = this.byElement.get(el);
    return id === undefined ? undefined : this.entries.get(id)?.elements.get(el);
  }

  private readonly onVisibilityChange = () => {
    if (this.backgroundTimer) clearTimeout(this.backgroundTimer);
    this.backgroundTimer = null;
    if (document.visibilityState === "visible") {
      this.pageVisible = true;
      this.schedule();
      return;
    }
    this.backgroundTimer = setTimeout(() => {
      this.pageVisible = false;
      this.schedule();
    }, BACKGROUND_HIDE_MS);
  };

  /** Flushes soon: at once when something became visible, else after the debounce. */
  private schedule(delay?: number): void {
    if (this.destroyed) return;
    let wait = delay;
    if (wait === undefined) {
      wait = RESIZE_DEBOUNCE_MS;
      const now = Date.now();
      for (const id of this.entries.keys()) {
        const view = this.viewOf(id, now);
        const last = this.reported.get(id);
        if (view?.visible && !last?.visible) {
          wait = 0;
          break;
        }
        if (view && !view.visible && last?.visible) wait = Math.min(wait, HIDE_DELAY_MS);
      }
    }
    const due = Date.now() + wait;
    if (this.timer && due >= this.timerDue) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerDue = Infinity;
      this.flush();
    }, wait);
  }

  private flush(): void {
    if (this.destroyed) return;
    const now = Date.now();
    const changed: ConsumerView[] = [];
    let nextUnshown = Infinity;
    for (const [id, entry] of this.entries) {
      const view = this.viewOf(id, now);
      if (!view) {
        if (entry.elements.size === 0) nextUnshown = Math.min(nextUnshown, entry.since + UNSHOWN_HIDE_MS - now);
        continue;
      }
      if (!sameView(this.reported.get(id), view)) changed.push(view);
    }
    if (this.unshownTimer) clearTimeout(this.unshownTimer);
    this.unshownTimer = null;
    if (Number.isFinite(nextUnshown)) {
      this.unshownTimer = setTimeout(() => this.schedule(0), Math.max(0, nextUnshown) + 5);
    }
    if (!changed.length) return;
    for (const v of changed) this.reported.set(v.consumerId, v);
    for (let i = 0; i < changed.length; i += MAX_VIEWS_PER_UPDATE) {
      const batch = changed.slice(i, i + MAX_VIEWS_PER_UPDATE);
      this.sending = this.sending.then(() =>
        this.send(batch).then(
          () => undefined,
          () => {
            // not delivered (reconnecting): forget them so the next flush sends them again
            for (const v of batch) if (this.reported.get(v.consumerId) === v) this.reported.delete(v.consumerId);
          },
        ),
      );
    }
  }
}
