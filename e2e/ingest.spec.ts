// Ingest (issue 7): an operator streams a test pattern into a meeting with `npm run
// room:stream` (ffmpeg -> PlainTransport producers through signaling, ingest join token signed
// with the server's secret); a browser participant sees "Stream: <name>" and decodes it.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { baseUrl } from "./fixtures/app";
import { expectRemoteVideosDecoding, tilesOf } from "./fixtures/media";
import { createMeetingRoom, joinRoom, newParticipantContext } from "./fixtures/room";
import { ROOT, TEST_NEXTAUTH_SECRET } from "./fixtures/server-env";

function envWithoutJoinTokenSecret(): NodeJS.ProcessEnv {
  const { JOIN_TOKEN_SECRET: _ignored, ...env } = process.env;
  return env;
}

test("an ffmpeg-fed ingest stream is decoded by a browser participant", async ({ browser }) => {
  const room = await createMeetingRoom(browser, baseUrl());
  const ctx = await newParticipantContext(browser);
  let stream: ChildProcess | null = null;
  let output = "";
  try {
    const page = await ctx.newPage();
    await joinRoom(page, { room, name: "Viewer" });
    stream = spawn(
      process.execPath,
      [
        "--import", "tsx", path.join(ROOT, "scripts/room-stream.ts"),
        "--room", room.roomId, "--pattern", "--size", "640x360", "--kbps", "500", "--name", "e2e pattern",
        "--url", `${baseUrl().replace(/^http/, "ws")}/ws`,
      ],
      // the operator holds the server's secret (the server under test signs with NEXTAUTH_SECRET)
      { cwd: ROOT, env: { ...envWithoutJoinTokenSecret(), NEXTAUTH_SECRET: TEST_NEXTAUTH_SECRET }, stdio: ["ignore", "pipe", "pipe"] },
    );
    stream.stdout?.on("data", (d) => (output += d));
    stream.stderr?.on("data", (d) => (output += d));
    await expect(tilesOf(page, "Stream: e2e pattern", "camera"), `room:stream output: ${output}`).toHaveCount(1, { timeout: 20_000 });
    await expectRemoteVideosDecoding(page, [{ peerName: "Stream: e2e pattern" }], { label: "viewer" });
    // the operator stops the stream: the bot leaves and its tile goes away
    stream.kill("SIGINT");
    await expect(tilesOf(page, "Stream: e2e pattern")).toHaveCount(0, { timeout: 15_000 });
  } finally {
    stream?.kill("SIGKILL");
    await ctx.close();
  }
});
