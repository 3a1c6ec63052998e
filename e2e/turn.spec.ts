// Issue 10: TURN. One participant's Chromium runs in a network namespace that reaches the
// server's signaling address and coturn but has no route to the media address the SFU
// announces; the other runs on the host. With TURN_URLS/TURN_SECRET the namespace peer still
// connects — through a relay — and both decode each other; its credentials carry the
// configured lifetime. (Expired credentials being refused by coturn: test/unit/turn.test.ts.)
import { execFileSync } from "node:child_process";
import { chromium, expect, test, type Browser, type Page } from "@playwright/test";
import { startCoturn, type Coturn } from "../test/unit/coturn-server";
import { AppServer } from "./fixtures/app-server";
import { CHROMIUM_ARGS } from "./fixtures/chromium";
import { cameraTiles, expectRemoteVideosDecoding } from "./fixtures/media";
import { createNetHost, destroyNetHost, netnsChromiumArgs, netnsUnavailableReason, type NetHost } from "./fixtures/netns";
import { createMeetingRoom, joinRoom, newParticipantContext, type MeetingRoom } from "./fixtures/room";

const TTL_SECONDS = 120;
const unavailable = netnsUnavailableReason();

/**
 * A second host address on the namespace's link, announced for media, with its route taken
 * away inside the namespace: the namespace reaches signaling and coturn (hostIp) but not
 * the media address.
 */
function addUnreachableMediaAddress(net: NetHost): string {
  const mediaIp = `${net.net}.5`;
  execFileSync("ip", ["addr", "add", `${mediaIp}/32`, "dev", net.hostIf]);
  execFileSync("ip", ["netns", "exec", net.ns, "ip", "route", "add", "unreachable", `${mediaIp}/32`]);
  return mediaIp;
}

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
  let net: NetHost;
  let turn: Coturn;
  let server: AppServer;
  let nsBrowser: Browser;

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    net = createNetHost("turn");
    const mediaIp = addUnreachableMediaAddress(net);
    // coturn answers on the link the namespace reaches, and relays from the media network
    // (the SFU replies to the relay address from the address it announces)
    turn = await startCoturn({ host: net.hostIp, relayHost: mediaIp });
    server = new AppServer({
      announcedAddress: mediaIp,
      numWorkers: 1,
      env: { TURN_URLS: turn.urls.join(","), TURN_SECRET: turn.secret, TURN_TTL_SECONDS: String(TTL_SECONDS) },
    });
    await server.start(120_000);
    nsBrowser = await chromium.launch({
      executablePath: net.chromium,
      args: [...CHROMIUM_ARGS, ...netnsChromiumArgs(server.urlVia(net.hostIp))],
    });
  });
  test.afterAll(async () => {
    await nsBrowser?.close().catch(() => {});
    await server?.dispose();
    await turn?.stop();
    if (net) destroyNetHost(net);
  });

  test("the namespace peer connects through coturn and both decode each other", async ({ browser }) => {
    const room: MeetingRoom = await createMeetingRoom(browser, server.localURL);
    const hostCtx = await newParticipantContext(browser, { baseURL: server.localURL });
    const nsCtx = await newParticipantContext(nsBrowser);
    try {
      const hostPage = await hostCtx.newPage();
      const nsPage = await nsCtx.newPage();
      const u = new URL(room.inviteUrl);
      await joinRoom(hostPage, { room, name: "Onhost" });
      await joinRoom(nsPage, { room: { ...room, inviteUrl: `${server.urlVia(net.hostIp)}${u.pathname}` }, name: "Inside" });
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
