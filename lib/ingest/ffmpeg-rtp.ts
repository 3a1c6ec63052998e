// ffmpeg command lines that send a file or an RTP source as VP8 + Opus RTP to an ingest
// bot's PlainTransports (one RTP output per kind, through the tee muxer so one process feeds
// several transports). Used by `npm run room:stream`, the load bench and the e2e test.
export type RtpOutput = { ip: string; port: number; rtcpPort?: number; ssrc: number; payloadType: number };

export type FfmpegRtpOptions = {
  /** ffmpeg input: a file, a URL (rtp://, rtsp://, an .sdp file...), or a lavfi graph with inputFormat "lavfi". */
  input: string;
  inputFormat?: string;
  /** A second input (e.g. lavfi audio next to lavfi video). */
  audioInput?: { input: string; inputFormat?: string };
  /** Loop the input forever (files only). */
  loop?: boolean;
  /** Read at native speed (files: yes; live sources: no). */
  realtime?: boolean;
  /** "copy": the input already is VP8 + Opus; "encode": transcode (VP8 ~videoKbps, Opus 64k). */
  mode: "copy" | "encode";
  videoKbps?: number;
  video: RtpOutput[];
  audio: RtpOutput[];
};

export function ffmpegRtpArgs(o: FfmpegRtpOptions): string[] {
  if (o.video.length + o.audio.length === 0) throw new Error("ffmpeg: no RTP outputs");
  const inputArgs = (input: string, format?: string) => [...(format ? ["-f", format] : []), "-i", input];
  const args = ["-hide_banner", "-loglevel", "error", "-nostdin"];
  if (o.realtime ?? true) args.push("-re");
  if (o.loop) args.push("-stream_loop", "-1");
  args.push(...inputArgs(o.input, o.inputFormat));
  if (o.audioInput) args.push(...inputArgs(o.audioInput.input, o.audioInput.inputFormat));
  const audioFrom = o.audioInput ? "1:a:0" : "0:a:0";
  const kbps = `${o.videoKbps ?? 1000}k`;
  if (o.audio.length) {
    args.push("-map", audioFrom);
    if (o.mode === "copy") args.push("-c:a", "copy");
    else args.push("-c:a", "libopus", "-b:a", "64k", "-ac", "2", "-ar", "48000", "-application", "voip", "-frame_duration", "20");
  }
  if (o.video.length) {
    args.push("-map", "0:v:0");
    if (o.mode === "copy") args.push("-c:v", "copy");
    else {
      args.push(
        "-c:v", "libvpx", "-b:v", kbps, "-maxrate", kbps, "-bufsize", kbps,
        "-deadline", "realtime", "-cpu-used", "8", "-g", "60", "-keyint_min", "60",
        "-auto-alt-ref", "0", "-error-resilient", "1", "-pix_fmt", "yuv420p",
        // at most 1280 px wide, even dimensions
        "-vf", "scale='min(1280,iw)':-2",
      );
    }
  }
  const outputs = [
    ...o.audio.map((t) => ({ t, sel: "a" })),
    ...o.video.map((t) => ({ t, sel: "v" })),
  ].map(({ t, sel }) => {
    const query = `pkt_size=1200${t.rtcpPort ? `&rtcpport=${t.rtcpPort}` : ""}`;
    return `[select=${sel}:f=rtp:ssrc=${t.ssrc}:payload_type=${t.payloadType}]rtp://${t.ip}:${t.port}?${query}`;
  });
  args.push("-f", "tee", outputs.join("|"));
  return args;
}
