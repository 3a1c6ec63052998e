// Operator CLI: stream a file, an RTP/RTSP source or a test pattern into a room. It signs an
// ingest join token with the server's secret (so it runs where the server's secret is: the
// server machine, same working directory or NEXTAUTH_SECRET / JOIN_TOKEN_SECRET set), joins
// through the signaling socket as "Stream: <name>" and runs ffmpeg into the PlainTransports
// the server gives it. Admins who are not on the server machine get a token from
// POST /api/admin/rooms/<roomId>/ingest-token and pass it with --token.
//
//   npm run room:stream -- --room <roomId> --input talk.mp4 [--name "Keynote"] [--loop]
//   npm run room:stream -- --room <roomId> --input rtsp://camera.local/stream --live
//   npm run room:stream -- --room <roomId> --pattern [--size 640x360]   # testsrc + 440 Hz tone
//   options: --url ws://127.0.0.1:3000/ws  --token <ingest token>  --copy (input is VP8+Opus)
//            --kbps 1000  --no-audio  --seconds N (stop after N s)
import { spawn } from "node:child_process";
import { ensureAuthSecret } from "../lib/auth/secret";
import { ffmpegRtpArgs } from "../lib/ingest/ffmpeg-rtp";
import { startIngest, type IngestTarget } from "../lib/ingest/ingest-client";
import { signIngestToken } from "../lib/ingest/ingest-token";

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const arg = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};

function usage(message: string): never {
  console.error(`room:stream: ${message}\n`);
  console.error("usage: npm run room:stream -- --room <roomId> (--input <file|url> | --pattern) [--name <name>] [--loop] [--live]");
  console.error("       [--url ws://127.0.0.1:3000/ws] [--token <ingest token>] [--copy] [--kbps 1000] [--no-audio] [--seconds N]");
  process.exit(2);
}

async function main(): Promise<void> {
  const roomId = arg("room") ?? usage("--room is required");
  const pattern = flag("pattern");
  const input = arg("input");
  if (!input && !pattern) usage("--input or --pattern is required");
  const name = arg("name") ?? (pattern ? "test pattern" : input!.split("/").pop()!);
  const url = arg("url") ?? `ws://127.0.0.1:${process.env.PORT ?? 3000}/ws`;
  const seconds = arg("seconds") ? Number(arg("seconds")) : undefined;
  const withAudio = !flag("no-audio");

  let token = arg("token");
  if (!token) {
    ensureAuthSecret();
    token = (await signIngestToken(roomId, name)).token;
  }
  const session = await startIngest({ wsUrl: url, roomId, token, name, kinds: withAudio ? ["video", "audio"] : ["video"] });
  const out = (t: IngestTarget | undefined) => (t ? [{ ip: t.ip, port: t.port, rtcpPort: t.rtcpPort, ssrc: t.ssrc, payloadType: t.payloadType }] : []);
  const args = ffmpegRtpArgs({
    ...(pattern
      ? {
          input: `testsrc=size=${arg("size") ?? "1280x720"}:rate=30`,
          inputFormat: "lavfi",
          audioInput: { input: "sine=frequency=440:sample_rate=48000", inputFormat: "lavfi" },
        }
      : { input: input! }),
    loop: flag("loop"),
    realtime: !flag("live"),
    mode: flag("copy") ? "copy" : "encode",
    videoKbps: arg("kbps") ? Number(arg("kbps")) : 1000,
    video: out(session.video),
    audio: out(session.audio),
  });
  if (seconds) args.splice(args.indexOf("-f", args.length - 3), 0, "-t", String(seconds));
  console.log(`room:stream: "${name}" is in room ${roomId} as peer ${session.peerId}; starting ffmpeg`);
  const ffmpeg = spawn("ffmpeg", args, { stdio: ["ignore", "inherit", "inherit"] });
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    ffmpeg.kill("SIGTERM");
    void session.close().finally(() => process.exit(code));
    setTimeout(() => process.exit(code), 3000).unref();
  };
  session.client.onClose((info) => {
    if (!info.byClient) {
      console.error(`room:stream: signaling closed (${info.code} ${info.reason}); stopping`);
      stop(1);
    }
  });
  ffmpeg.on("exit", (code) => {
    console.log(`room:stream: ffmpeg finished (${code ?? "signal"}); leaving the room`);
    stop(code === 0 || code === 255 ? 0 : 1);
  });
  for (const s of ["SIGINT", "SIGTERM"] as const) process.on(s, () => stop(0));
}

main().catch((err) => {
  console.error(`room:stream: ${(err as Error).message}`);
  process.exit(1);
});
