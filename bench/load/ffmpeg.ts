// Debian's ffmpeg as the publisher: a test pattern (testsrc) as VP8 at ~500 kbit/s and a sine
// tone as Opus, sent as plain RTP to a PlainTransport's ports. The pattern is encoded once
// per run into a short WebM file and then looped with `-c copy`, so a publisher costs
// almost no CPU (the two cores are for the SFU and the subscribers) while the RTP stream is
// the same a live encoder would send: keyframe every 2 s, 30 fps, one SSRC per kind.
import { spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ffmpegRtpArgs, type RtpOutput } from "../../lib/ingest/ffmpeg-rtp";
import { spawnChild } from "./processes";

export { INGEST_AUDIO_PT as AUDIO_PT, INGEST_VIDEO_PT as VIDEO_PT } from "../../lib/ingest/ingest-client";

export type PatternOptions = { width: number; height: number; fps: number; videoKbps: number; seconds: number };
export const DEFAULT_PATTERN: PatternOptions = { width: 640, height: 360, fps: 30, videoKbps: 500, seconds: 20 };

/** Encodes (or reuses) the looped test file: testsrc VP8 + sine Opus in WebM. */
export function ensurePattern(opts: PatternOptions = DEFAULT_PATTERN): string {
  const file = path.join(
    os.tmpdir(),
    `meet-load-pattern-${opts.width}x${opts.height}-${opts.fps}fps-${opts.videoKbps}k-${opts.seconds}s.webm`,
  );
  if (fs.existsSync(file) && fs.statSync(file).size > 0) return file;
  const tmp = `${file}.${process.pid}.tmp.webm`;
  const kbps = `${opts.videoKbps}k`;
  const r = spawnSync(
    "ffmpeg",
    [
      "-hide_banner", "-loglevel", "error", "-nostdin",
      "-f", "lavfi", "-i", `testsrc=size=${opts.width}x${opts.height}:rate=${opts.fps}`,
      "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
      "-t", String(opts.seconds),
      // constant-ish bitrate, realtime settings like a WebRTC encoder; keyframe every 2 s
      "-c:v", "libvpx", "-b:v", kbps, "-minrate", kbps, "-maxrate", kbps, "-bufsize", kbps,
      "-deadline", "realtime", "-cpu-used", "8", "-g", String(opts.fps * 2), "-keyint_min", String(opts.fps * 2),
      "-auto-alt-ref", "0", "-error-resilient", "1", "-pix_fmt", "yuv420p",
      "-c:a", "libopus", "-b:a", "48k", "-ac", "2", "-ar", "48000", "-application", "voip", "-frame_duration", "20",
      "-y", tmp,
    ],
    { encoding: "utf8", timeout: 120_000 },
  );
  if (r.status !== 0) throw new Error(`ffmpeg could not encode the test pattern: ${r.stderr || r.error}`);
  fs.renameSync(tmp, file);
  return file;
}

/**
 * Loops `file` (already VP8 + Opus) into RTP: one output per target; several targets of one
 * kind = several producers fed by this one process (same media, own SSRCs).
 */
export function startFfmpegRtp(opts: {
  file: string;
  video: RtpOutput[];
  audio: RtpOutput[];
  maxSeconds: number;
  cpus?: string;
}): ChildProcess {
  const args = ffmpegRtpArgs({ input: opts.file, loop: true, mode: "copy", video: opts.video, audio: opts.audio });
  const child = spawnChild("ffmpeg", args, { maxSeconds: opts.maxSeconds, cpus: opts.cpus, stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr?.on("data", (d: Buffer) => {
    err = (err + d.toString()).slice(-2000);
  });
  child.once("exit", (code, signal) => {
    // 124/137: our time bound; 255: stopped by us (SIGTERM)
    if (code && signal === null && ![124, 137, 255].includes(code)) console.error(`ffmpeg exited with ${code}: ${err.trim()}`);
  });
  return child;
}
