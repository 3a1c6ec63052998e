// Issue 10: TURN. One participant's Chromium runs in a network namespace that reaches the
// server's signaling address and coturn but has no route to the media address the SFU
// announces; the other runs on the host. With TURN_URLS/TURN_SECRET the namespace peer still
// connects — through a relay — and both decode each other; its credentials carry the
// configured lifetime. (Expired credentials being refused by coturn: test/unit/turn.test.ts.)
import { chromium, expect, test, type Browser, type Page } from "@playwright/test";
import { startCoturn, type Coturn } from "../test/unit/coturn-server";
import { CHROMIUM_ARGS } from "./fixtures/chromium";
import { spawnAppServer, waitReady, type TestNode } from "./fixtures/cluster";
import { cameraTiles, expectRemoteVideosDecoding } from "./fixtures/media";
import { createMeetingRoom, joinRoom, newParticipantContext, type MeetingRoom } from "./fixtures/room";
import { createTurnNetns, netnsUnavailable, type TurnNetns } from "./fixtures/turn-netns";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const TTL_SECONDS = 120;
const unavailable = netnsUnavailable();

/** What the page's peer connections use: ICE servers handed to them, selected local candidate types. */
async function iceView(page: Page): Promise<{ usernames: string[]; selectedLocalTypes: string[] }> {
  return page.evaluate(async () => {
    const pcs = ((window as unknown as { __e2ePcs?: RTCPeerConnection[] }).__e2ePcs ?? []).filter((pc) => pc.connectionState === "connected");
    const usernames: string[] = [];
    const selectedLocalTypes: string[] = [];
    for (const pc of pcs) {
      for (const s of pc.getConfiguration().iceServers ?? []) if (s.username) usernames.push(s.username);
      const stats = await pc.getStats();
      stats.forEach((r: any) => {
        if (r.type === "transport" && r.selectedCandidatePairId) {
          const pair = stats.get(r.selectedCandidatePairId) as any;
          const local = pair && (stats.get(pair.localCandidateId) as any);
          if (local) selectedLocalTypes.push(local.candidateType);
        }
      });
    }
    return { usernames, selectedLocalTypes };
  });
}

test.describe("TURN for a peer that cannot reach the media address", () => {
  test.skip(!!unavailable, `skipped: ${unavailable}`);
  test.setTimeout(180_000);
  let net: TurnNetns;
  let turn: Coturn;
  let server: TestNode;
  let nsBrowser: Browser;
  let dbDir: string;

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    net = createTurnNetns();
    // coturn answers on the link the namespace reaches, and relays from the media network
    // (the SFU replies to the relay address from the address it announces)
    turn = await startCoturn({ host: net.hostIp, relayHost: net.mediaIp });
    dbDir = mkdtempSync(path.join(tmpdir(), "meet-turn-e2e-"));
    server = await spawnAppServer("turn-node", {
      LISTEN_IP: "0.0.0.0", // pages on 127.0.0.1 (host) and the veth address (namespace)
      ANNOUNCED_ADDRESS: net.mediaIp,
      DATABASE_URL: `file:${path.join(dbDir, "meet.db")}`,
      TURN_URLS: turn.urls.join(","),
      TURN_SECRET: turn.secret,
      TURN_TTL_SECONDS: String(TTL_SECONDS),
    });
    await waitReady(server, 120_000);
    nsBrowser = await chromium.launch({
      executablePath: net.chromium,
      args: [...CHROMIUM_ARGS, `--unsafely-treat-insecure-origin-as-secure=http://${net.hostIp}:${server.port}`],
    });
  });
  test.afterAll(async () => {
    await nsBrowser?.close().catch(() => {});
    await server?.kill("SIGTERM");
    await turn?.stop();
    net?.destroy();
    if (dbDir) rmSync(dbDir, { recursive: true, force: true });
  });

  test("the namespace peer connects through coturn and both decode each other", async ({ browser }) => {
    const room: MeetingRoom = await createMeetingRoom(browser, server.baseURL);
    // the namespace cannot reach the media address at all
    const hostCtx = await newParticipantContext(browser, { baseURL: server.baseURL });
    const nsCtx = await newParticipantContext(nsBrowser);
    try {
      const hostPage = await hostCtx.newPage();
      const nsPage = await nsCtx.newPage();
      const u = new URL(room.inviteUrl);
      await joinRoom(hostPage, { room, name: "Onhost" });
      await joinRoom(nsPage, { room: { ...room, inviteUrl: `http://${net.hostIp}:${server.port}${u.pathname}` }, name: "Inside" });
      for (const [me, other] of [
        [hostPage, "Inside"],
        [nsPage, "Onhost"],
      ] as const) {
        await expect(cameraTiles(me)).toHaveCount(1, { timeout: 30_000 });
        await expectRemoteVideosDecoding(me, [{ peerName: other }], { timeout: 30_000, label: other });
      }
      const inside = await iceView(nsPage);
      expect(inside.selectedLocalTypes.length, "both transports connected").toBeGreaterThanOrEqual(2);
      expect(inside.selectedLocalTypes.every((t) => t === "relay"), `inside: ${inside.selectedLocalTypes}`).toBe(true);
      // time-limited credentials: <expiry>:<participantKey>, expiring TURN_TTL_SECONDS from now
      expect(inside.usernames.length).toBeGreaterThanOrEqual(2);
      for (const name of inside.usernames) {
        const [expiry, ...key] = name.split(":");
        expect(key.join(":")).toMatch(/^guest:/);
        const left = Number(expiry) - Date.now() / 1000;
        expect(left).toBeGreaterThan(TTL_SECONDS - 60);
        expect(left).toBeLessThanOrEqual(TTL_SECONDS);
      }
      const onHost = await iceView(hostPage);
      expect(onHost.selectedLocalTypes.some((t) => t !== "relay"), `host peer goes direct: ${onHost.selectedLocalTypes}`).toBe(true);
    } finally {
      await hostCtx.close();
      await nsCtx.close();
    }
  });
});
