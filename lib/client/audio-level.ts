// The local microphone's loudness, from WebAudio: the pre-join / settings level meter and the
// "you are muted" hint. It listens to a clone of the mic track, because a muted mic's own
// track is disabled (silent) while the producer is paused, and the hint needs to hear the
// person anyway. Nothing of the clone is sent anywhere.

/** 0..1 on a dB scale: -60 dBFS (silence) .. -10 dBFS (loud speech). */
export function levelFromRms(rms: number): number {
  if (!(rms > 0)) return 0;
  const db = 20 * Math.log10(rms);
  return Math.min(1, Math.max(0, (db + 60) / 50));
}

type AudioContextCtor = typeof AudioContext;

export class AudioLevelMonitor {
  private readonly clone: MediaStreamTrack;
  private readonly ctx: AudioContext;
  private readonly analyser: AnalyserNode;
  private readonly buf: Float32Array<ArrayBuffer>;
  private readonly unlock = () => void this.ctx.resume().catch(() => {});
  private stopped = false;

  private constructor(track: MediaStreamTrack, Ctx: AudioContextCtor) {
    this.clone = track.clone();
    this.clone.enabled = true;
    this.ctx = new Ctx();
    const source = this.ctx.createMediaStreamSource(new MediaStream([this.clone]));
    this.analyser = this.ctx.createAnalyser();
    this.analyser.fftSize = 1024;
    source.connect(this.analyser);
    this.buf = new Float32Array(this.analyser.fftSize);
    // Autoplay rules may start the context suspended until the first click or key press.
    if (this.ctx.state === "suspended") {
      this.unlock();
      document.addEventListener("pointerdown", this.unlock, { once: true, capture: true });
      document.addEventListener("keydown", this.unlock, { once: true, capture: true });
    }
  }

  /** A monitor for `track`, or null where WebAudio is missing. */
  static create(track: MediaStreamTrack): AudioLevelMonitor | null {
    const w = typeof window !== "undefined" ? (window as unknown as { AudioContext?: AudioContextCtor; webkitAudioContext?: AudioContextCtor }) : undefined;
    const Ctx = w?.AudioContext ?? w?.webkitAudioContext;
    if (!Ctx || track.readyState !== "live") return null;
    try {
      return new AudioLevelMonitor(track, Ctx);
    } catch (err) {
      console.warn("[room] microphone level unavailable", err);
      return null;
    }
  }

  /** The current level, 0..1. */
  level(): number {
    if (this.stopped) return 0;
    this.analyser.getFloatTimeDomainData(this.buf);
    let sum = 0;
    for (const v of this.buf) sum += v * v;
    return levelFromRms(Math.sqrt(sum / this.buf.length));
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    document.removeEventListener("pointerdown", this.unlock, { capture: true });
    document.removeEventListener("keydown", this.unlock, { capture: true });
    this.clone.stop();
    void this.ctx.close().catch(() => {});
  }
}

/** Level above which the microphone hears speech (about -40 dBFS). */
export const SPEECH_LEVEL = 0.4;
/** Speech this long (ms, within a short window) while muted shows the hint... */
export const SPEECH_MIN_MS = 300;
/** ...which then stays at least this long after the last speech. */
export const HINT_HOLD_MS = 3000;

/**
 * Decides when to show "you are muted": sustained speech while the mic is off. Pure (fed
 * with levels and times), so it is unit-tested without audio.
 */
export class MutedSpeechDetector {
  private speechSince: number | null = null;
  private lastSpeechAt = -Infinity;
  private showing = false;

  /** One sample; returns whether the hint shows. */
  update(level: number, micOn: boolean, now: number): boolean {
    if (micOn) {
      this.speechSince = null;
      this.showing = false;
      return false;
    }
    if (level >= SPEECH_LEVEL) {
      this.speechSince ??= now;
      this.lastSpeechAt = now;
      if (now - this.speechSince >= SPEECH_MIN_MS) this.showing = true;
    } else if (now - this.lastSpeechAt > 250) {
      this.speechSince = null; // a pause in speech: start counting again
    }
    if (this.showing && now - this.lastSpeechAt > HINT_HOLD_MS) this.showing = false;
    return this.showing;
  }
}
