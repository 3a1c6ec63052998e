// Per-viewer layers under congestion: when mediasoup's bandwidth estimation had to take a
// viewer down from a spatial layer it had moved up to (the link could not carry it), the
// viewer is held at the lower layer for a while before the SFU may try the higher one again,
// longer each time the try fails soon. Without it a viewer on a slow link oscillates: the
// estimate creeps up, the SFU switches to the larger layer, the link overflows, the estimate
// collapses, and the picture stutters for seconds each round (measured on a 300 kbit/s
// downlink: 18 frames/s, then under 4 for a whole 6 s window). Pure: time comes in.

/** First hold after a congestion downgrade. */
export const BACKOFF_INITIAL_MS = 20_000;
export const BACKOFF_MAX_MS = 120_000;
/** An upgrade that held this long was a success: the next failure starts from the initial hold. */
export const UPGRADE_STABLE_MS = 30_000;

export class LayerBackoff {
  private cap: number | null = null;
  private until = 0;
  private hold = BACKOFF_INITIAL_MS;
  private lastUpgradeAt = Number.NEGATIVE_INFINITY;
  private current: number | null = null;

  /**
   * mediasoup moved the consumer to spatial layer `current` (null: none, e.g. the producer
   * paused) while the viewer's tile wanted `wanted`. `sourceLost`: the producer stopped
   * sending the layer the consumer was on (its own network failed, or it dropped the layer)
   * — the viewer's link is not to blame, so no hold. Returns true when this starts a hold.
   */
  onLayersChange(current: number | null, wanted: number, now: number, sourceLost = false): boolean {
    const previous = this.current;
    this.current = current;
    if (current === null || previous === null || sourceLost) return false;
    if (current > previous) {
      this.lastUpgradeAt = now;
      return false;
    }
    if (current === previous || current >= wanted) return false; // not below what the tile wants
    // down although the tile wants more: the link could not carry the higher layer
    const failedSoon = now - this.lastUpgradeAt < UPGRADE_STABLE_MS;
    this.hold = failedSoon && this.until > 0 ? Math.min(BACKOFF_MAX_MS, this.hold * 2) : BACKOFF_INITIAL_MS;
    this.cap = current;
    this.until = now + this.hold;
    return true;
  }

  /** The highest spatial layer allowed now (null: no hold). */
  capAt(now: number): number | null {
    if (this.cap !== null && now >= this.until) this.cap = null;
    return this.cap;
  }

  /** The spatial layer mediasoup last reported (null: none yet, or none now). */
  get layer(): number | null {
    return this.current;
  }

  /** When the current hold ends (0: none). */
  get holdEndsAt(): number {
    return this.cap === null ? 0 : this.until;
  }
}
