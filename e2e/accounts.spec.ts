// Issue 3: accounts, scheduling, invite links, admin history — end to end.
// Runs first (file order): the first account created on the run's fresh database is the
// admin. One serial scenario; contexts are shared between its steps.
import { readFileSync } from "node:fs";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { baseUrl, guestJoinToken, RawSignalingClient } from "./fixtures/app";
import { expectRemoteVideosDecoding, cameraTiles } from "./fixtures/media";
import {
  clickJoin,
  gotoPrejoin,
  newAccount,
  newParticipantContext,
  readMeetingPage,
  scheduleMeeting,
  signIn,
  signUp,
  type Account,
  type ScheduledMeeting,
} from "./fixtures/room";

test.describe.configure({ mode: "serial" });

/** "45s" | "1m 05s" | "1h 02m" -> seconds */
function parseDuration(text: string): number {
  const t = text.trim();
  let m = /^(\d+)s$/.exec(t);
  if (m) return Number(m[1]);
  m = /^(\d+)m (\d+)s$/.exec(t);
  if (m) return Number(m[1]) * 60 + Number(m[2]);
  m = /^(\d+)h (\d+)m$/.exec(t);
  if (m) return Number(m[1]) * 3600 + Number(m[2]) * 60;
  throw new Error(`unparseable duration "${text}"`);
}

test.describe("accounts, meetings, invites, admin history", () => {
  const admin: Account = newAccount("Alice");
  const title = `Planning ${Date.now().toString(36)}`;
  let hostCtx: BrowserContext;
  let host: Page;
  let meeting: ScheduledMeeting;
  let guestCtx: BrowserContext;
  let inRoomFrom = 0;
  let inRoomUntil = 0;

  test.afterAll(async () => {
    await hostCtx?.close().catch(() => {});
    await guestCtx?.close().catch(() => {});
  });

  test("A signs up, schedules a meeting, copies the invite link; the .ics has the right UTC DTSTART", async ({ browser }) => {
    hostCtx = await newParticipantContext(browser, {
      baseURL: baseUrl(),
      permissions: ["clipboard-read", "clipboard-write"],
    });
    host = await hostCtx.newPage();
    await signUp(host, admin);
    // 09:30 in Berlin on 10 July 2031 is CEST (UTC+2) -> 07:30 UTC
    meeting = await scheduleMeeting(host, { title, start: "2031-07-10T09:30", timeZone: "Europe/Berlin", durationMinutes: 45 });
    expect(meeting.inviteUrl).toMatch(/^http:\/\/[^/]+\/j\/[A-Za-z0-9_-]{22,}$/);

    await host.getByTestId("copy-invite").click();
    const copied = await host.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(meeting.inviteUrl);

    const [download] = await Promise.all([host.waitForEvent("download"), host.getByTestId("download-ics").click()]);
    const ics = readFileSync((await download.path())!, "utf8").replace(/\r?\n[ \t]/g, ""); // unfold
    expect(ics).toContain("BEGIN:VEVENT");
    expect(ics).toMatch(/^DTSTART:20310710T073000Z\r?$/m);
    expect(ics).toMatch(/^DURATION:PT45M\r?$/m);
    expect(ics).toContain(meeting.inviteUrl);
    expect(ics).toMatch(/^ORGANIZER;[^\r\n]*mailto:/m);
  });

  test("a guest joins through the invite link, A joins; both decode each other's video; both leave", async ({ browser }) => {
    guestCtx = await newParticipantContext(browser, { baseURL: baseUrl() });
    const guest = await guestCtx.newPage();
    await gotoPrejoin(guest, { roomId: meeting.meetingId, inviteUrl: meeting.inviteUrl }, "Gina Guest");
    inRoomFrom = Date.now();
    await clickJoin(guest);

    await host.goto(meeting.meetingUrl);
    await host.getByTestId("join-meeting").click();
    await expect(host.getByTestId("prejoin-name")).toBeVisible({ timeout: 20_000 });
    await host.getByTestId("prejoin-name").fill("Alice Host");
    await clickJoin(host);

    await Promise.all([
      expect(cameraTiles(guest)).toHaveCount(1, { timeout: 20_000 }),
      expect(cameraTiles(host)).toHaveCount(1, { timeout: 20_000 }),
    ]);
    await Promise.all([
      expectRemoteVideosDecoding(guest, [{ peerName: "Alice Host" }], { label: "guest" }),
      expectRemoteVideosDecoding(host, [{ peerName: "Gina Guest" }], { label: "host" }),
    ]);
    // the meeting's host is marked as host in the room
    await expect(cameraTiles(guest).filter({ hasText: "Alice Host" })).toContainText("(host)");
    await expect(cameraTiles(host).filter({ hasText: "Gina Guest" })).not.toContainText("(host)");
    await guest.getByTestId("leave").click();
    await host.getByTestId("leave").click();
    inRoomUntil = Date.now();
    await expect(guest.getByTestId("left-screen")).toBeVisible();
    await expect(host.getByTestId("left-screen")).toBeVisible();
  });

  test("A (admin) sees the session in /admin with 2 participants and plausible durations", async () => {
    const row = host.getByTestId("history-row").filter({ hasText: title });
    await expect(async () => {
      await host.goto("/admin");
      await expect(row).toHaveCount(1, { timeout: 1000 });
      await expect(row.getByTestId("history-participants")).toHaveText("2", { timeout: 1000 });
      await expect(row).not.toContainText("live", { timeout: 1000 }); // session ended
    }).toPass({ timeout: 20_000 });
    const sessionId = await row.getAttribute("data-session-id");
    expect(sessionId).toBeTruthy();

    await row.getByRole("link", { name: title }).click();
    await expect(host).toHaveURL(new RegExp(`/admin/sessions/${sessionId}$`));
    const rows = host.getByTestId("attendance-row");
    await expect(rows).toHaveCount(2);
    const maxSeconds = Math.ceil((inRoomUntil - inRoomFrom) / 1000) + 5;
    const seen: Record<string, number> = {};
    for (let i = 0; i < 2; i++) {
      const r = rows.nth(i);
      const name = (await r.locator("td").nth(0).locator("span").first().textContent())!.trim();
      const seconds = parseDuration((await r.locator("td").nth(4).textContent())!);
      seen[name] = seconds;
      expect(seconds, `${name} attended`).toBeGreaterThanOrEqual(2); // both decoded video for >= 2 s
      expect(seconds, `${name} attended at most the test's ${maxSeconds} s`).toBeLessThanOrEqual(maxSeconds);
    }
    expect(Object.keys(seen).sort()).toEqual(["Alice Host", "Gina Guest"]);
    await expect(rows.filter({ hasText: "Gina Guest" }).getByTestId("attendance-guest")).toHaveText("Guest");
  });

  test("a WebSocket join without a token, or with another room's token, is refused", async ({ request }) => {
    // a second meeting of the same host, and a host token for it (cookie of A's context)
    const other = await scheduleMeeting(host, { title: `${title} (other)` });
    await host.goto(meeting.meetingUrl);
    const tokenRes = await hostCtx.request.post(`/api/rooms/${other.meetingId}/join-token`, { data: { displayName: "Alice" } });
    expect(tokenRes.status()).toBe(200);
    const otherToken = ((await tokenRes.json()) as { token: string }).token;

    const ws = await RawSignalingClient.connect();
    const caps = { codecs: [{ kind: "audio", mimeType: "audio/opus", clockRate: 48000, channels: 2 }] };
    const refusals = [
      await ws.request("join", { roomId: meeting.meetingId, displayName: "Nobody", rtpCapabilities: caps }),
      await ws.request("join", { roomId: meeting.meetingId, token: "", displayName: "Nobody", rtpCapabilities: caps }),
      await ws.request("getRouterRtpCapabilities", { roomId: meeting.meetingId }),
    ];
    for (const r of refusals) {
      expect(r.ok).toBe(false);
      expect(["BAD_REQUEST", "UNAUTHORIZED"]).toContain(r.error!.code);
    }
    for (const method of ["join", "getRouterRtpCapabilities"]) {
      const r = await ws.request(method, { roomId: meeting.meetingId, token: otherToken, displayName: "Alice", rtpCapabilities: caps });
      expect(r.ok, `${method} with another room's token`).toBe(false);
      expect(["FORBIDDEN", "UNAUTHORIZED"]).toContain(r.error!.code);
    }
    // control: the right token for the right room is accepted on the same socket
    const good = await guestJoinToken(request, meeting.meetingId, meeting.inviteToken, "Control");
    const r = await ws.request("join", { roomId: meeting.meetingId, token: good, displayName: "Control", rtpCapabilities: caps });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    await ws.request("leave", {});
    await ws.close();
  });

  test("a regenerated invite: the old link shows the invalid page, the new one works", async ({ request }) => {
    await host.goto(meeting.meetingUrl);
    const old = meeting;
    await host.getByTestId("regenerate-invite").click();
    await expect(host.getByTestId("invite-link")).not.toHaveValue(old.inviteUrl, { timeout: 10_000 });
    const fresh = await readMeetingPage(host);
    expect(fresh.inviteToken).not.toBe(old.inviteToken);

    const page = await guestCtx.newPage();
    await page.goto(old.inviteUrl);
    await expect(page.getByTestId("invite-invalid")).toBeVisible();
    await expect(page.getByTestId("prejoin-name")).toHaveCount(0);
    const refused = await request.post(`/api/rooms/${old.meetingId}/join-token`, { data: { inviteToken: old.inviteToken } });
    expect(refused.status()).toBe(403);

    await page.goto(fresh.inviteUrl);
    await expect(page.getByTestId("prejoin-name")).toBeVisible({ timeout: 20_000 });

    // a room URL with an old invite, or of a meeting that does not exist: a clear pre-join error
    await page.goto(`/room/${old.meetingId}?invite=${old.inviteToken}`);
    await expect(page.getByTestId("prejoin-error")).toBeVisible({ timeout: 20_000 });
    await page.goto("/room/no-such-meeting-0000");
    await expect(page.getByTestId("prejoin-error")).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId("prejoin-join")).toBeDisabled();
    await page.close();
  });
  test("a second signed-up user gets 403 on /admin (page and API)", async ({ browser }) => {
    const ctx = await browser.newContext({ baseURL: baseUrl() });
    const page = await ctx.newPage();
    const bob = newAccount("Bob");
    await signUp(page, bob);
    // sign out and back in through the sign-in form
    await page.getByTestId("signout").click();
    await expect(page.getByTestId("signout")).toHaveCount(0, { timeout: 10_000 });
    await signIn(page, bob);
    // last in this file: it does not depend on the steps above and must not block them
    const res = await page.goto("/admin");
    await expect(page.getByTestId("admin-forbidden")).toBeVisible();
    await expect(page.getByTestId("history-row")).toHaveCount(0);
    const api = await ctx.request.get("/api/admin/sessions.csv");
    expect(api.status(), "GET /api/admin/sessions.csv as non-admin").toBe(403);
    expect(res?.status(), "HTTP status of /admin for a non-admin").toBe(403);
    await ctx.close();
  });
});
