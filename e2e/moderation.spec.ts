// Issue 8, running a meeting: hands in the order raised and reactions, host controls
// enforced on the server (mute, FORBIDDEN for guests, remove with no way straight back),
// lock -> lobby -> admit -> decoding, deny, end for all, cancel from the meeting page,
// waiting for the host. One serial scenario per room (fake-camera contexts are expensive on
// 2 cores).
import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { baseUrl, guestJoinToken, RawSignalingClient } from "./fixtures/app";
import { expectRemoteVideosDecoding, tilesOf } from "./fixtures/media";
import {
  createMeetingRoom,
  gotoPrejoin,
  joinRoom,
  newParticipantContext,
  readMeetingPage,
  scheduleMeeting,
  uniqueSuffix,
  type MeetingRoom,
} from "./fixtures/room";

test.describe.configure({ mode: "serial" });

type P = { name: string; ctx: BrowserContext; page: Page };
type RoomReport = {
  locked: boolean;
  peers: { displayName: string; joined: boolean; waiting: string | null; consumers: number; producers: { source: string; paused: boolean }[] }[];
};

async function roomReport(request: APIRequestContext, roomId: string): Promise<RoomReport | null> {
  const res = await request.get(`${baseUrl()}/api/sfu/stats?room=${roomId}`);
  if (res.status() === 404) return null;
  expect(res.status()).toBe(200);
  return (await res.json()) as RoomReport;
}

function row(page: Page, name: string) {
  return page.locator(`[data-testid="participant-row"][data-peer-name="${name}"]`);
}

async function openParticipants(page: Page): Promise<void> {
  const toggle = page.getByTestId("participants-open");
  if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  await expect(page.getByTestId("participants-panel")).toBeVisible();
}

/** "name:hand" for each row of the participants panel, top to bottom. */
function panelOrder(page: Page): Promise<string[]> {
  return page
    .getByTestId("participant-row")
    .evaluateAll((els) => els.map((e) => `${e.getAttribute("data-peer-name")}:${e.getAttribute("data-hand")}`));
}

/** The host's own page: the room URL, signed in as the meeting's owner. */
function hostRoom(room: MeetingRoom): MeetingRoom {
  return { ...room, inviteUrl: `${baseUrl()}/room/${room.roomId}` };
}

async function person(browser: Browser, people: P[], name: string, opts: Parameters<typeof newParticipantContext>[1] = {}): Promise<P> {
  const ctx = await newParticipantContext(browser, opts);
  const p = { name, ctx, page: await ctx.newPage() };
  people.push(p);
  return p;
}

test.describe("running a meeting: hands, host controls, lobby, end for all", () => {
  let room: MeetingRoom;
  const people: P[] = [];
  let host: P;
  let ana: P;
  let ben: P;
  let cleo: P;

  test.beforeAll(async ({ browser }) => {
    room = await createMeetingRoom(browser, baseUrl(), "Moderator");
  });
  test.afterAll(async () => {
    for (const p of people) await p.ctx.close().catch(() => {});
  });

  test("hands are listed in the order raised; reactions show briefly on the tile; only hosts get host controls", async ({ browser }) => {
    host = await person(browser, people, "Hosta", { storageState: room.host!.storageState });
    ana = await person(browser, people, "Ana");
    ben = await person(browser, people, "Ben");
    await joinRoom(host.page, { room: hostRoom(room), name: host.name });
    await Promise.all([joinRoom(ana.page, { room, name: ana.name }), joinRoom(ben.page, { room, name: ben.name })]);
    for (const p of [host, ana, ben]) await expect(p.page.getByTestId("participant-count")).toHaveText("3", { timeout: 20_000 });

    await ben.page.getByTestId("raise-hand").click();
    await expect(ben.page.getByTestId("raise-hand")).toHaveAttribute("aria-pressed", "true");
    await openParticipants(host.page);
    await expect.poll(() => panelOrder(host.page)).toEqual(["Ben:up", "Hosta:down", "Ana:down"]);
    await ana.page.getByTestId("raise-hand").click();
    await expect(ana.page.getByTestId("raise-hand")).toHaveAttribute("aria-pressed", "true");
    await expect.poll(() => panelOrder(host.page)).toEqual(["Ben:up", "Ana:up", "Hosta:down"]);
    await openParticipants(ana.page);
    await expect.poll(() => panelOrder(ana.page)).toEqual(["Ben:up", "Ana:up", "Hosta:down"]);
    await expect(row(host.page, "Hosta")).toHaveAttribute("data-host", "true");
    await expect(row(host.page, "Ana")).toHaveAttribute("data-host", "false");
    await expect(row(ana.page, "Hosta")).toHaveAttribute("data-host", "true");
    await expect(tilesOf(host.page, "Ben", "camera").getByTestId("tile-hand")).toBeVisible();

    // Ben lowers his hand: Ana is first now, Ben drops back to his place in join order
    await ben.page.getByTestId("raise-hand").click();
    await expect(ben.page.getByTestId("raise-hand")).toHaveAttribute("aria-pressed", "false");
    await expect.poll(() => panelOrder(host.page)).toEqual(["Ana:up", "Hosta:down", "Ben:down"]);
    await expect(tilesOf(host.page, "Ben", "camera").getByTestId("tile-hand")).toHaveCount(0);

    // a reaction shows on the sender's tile for everyone, then goes away
    await ana.page.getByTestId("reactions-open").click();
    await ana.page.getByTestId("reaction-clap").click();
    for (const viewer of [host, ben]) {
      await expect(tilesOf(viewer.page, "Ana", "camera").getByTestId("tile-reaction")).toHaveAttribute("data-reaction", "clap");
    }
    await expect(ana.page.getByTestId("self-tile").getByTestId("tile-reaction")).toHaveAttribute("data-reaction", "clap");
    await expect(tilesOf(host.page, "Ana", "camera").getByTestId("tile-reaction")).toHaveCount(0, { timeout: 10_000 });

    // host controls: rendered for the host only
    await expect(host.page.getByTestId("participant-remove")).toHaveCount(2);
    await expect(host.page.getByTestId("participant-mute")).toHaveCount(2);
    await expect(host.page.getByTestId("mute-all")).toBeVisible();
    await expect(host.page.getByTestId("room-lock")).toHaveAttribute("aria-pressed", "false");
    await expect(host.page.getByTestId("end-meeting")).toBeVisible();
    await openParticipants(ben.page);
    for (const guest of [ana, ben]) {
      await expect(guest.page.getByTestId("participant-row")).toHaveCount(3);
      for (const id of ["participant-mute", "participant-remove", "mute-all", "room-lock", "end-meeting"]) {
        await expect(guest.page.getByTestId(id), `${guest.name} must not see ${id}`).toHaveCount(0);
      }
    }
  });

  test("the host mutes a guest: the guest's mic control turns off and the producer is paused on the server", async ({ request }) => {
    const anaMicPaused = async () =>
      (await roomReport(request, room.roomId))?.peers.find((p) => p.displayName === "Ana" && p.joined)?.producers.find((p) => p.source === "mic")?.paused;
    await expect(ana.page.getByTestId("toggle-mic")).toHaveAttribute("aria-pressed", "true");
    await expect.poll(anaMicPaused).toBe(false);
    await row(host.page, "Ana").getByTestId("participant-mute").click();
    await expect(ana.page.getByTestId("toggle-mic")).toHaveAttribute("aria-pressed", "false");
    await expect(ana.page.getByTestId("room-notice")).toContainText("muted your microphone");
    await expect.poll(anaMicPaused).toBe(true);
    await expect(row(host.page, "Ana").getByTestId("participant-mute")).toBeDisabled();
    // no remote unmute, but she may unmute herself
    await ana.page.getByTestId("toggle-mic").click();
    await expect(ana.page.getByTestId("toggle-mic")).toHaveAttribute("aria-pressed", "true");
    await expect.poll(anaMicPaused).toBe(false);
    await expect(row(host.page, "Ana").getByTestId("participant-mute")).toBeEnabled();
  });

  test("a guest's host-only requests get FORBIDDEN", async ({ request }) => {
    const token = await guestJoinToken(request, room.roomId, room.inviteToken, "Mallory");
    const ws = await RawSignalingClient.connect();
    const { routerRtpCapabilities } = await ws.call("getRouterRtpCapabilities", { roomId: room.roomId, token });
    const joined = await ws.call("join", { roomId: room.roomId, token, displayName: "Mallory", rtpCapabilities: routerRtpCapabilities });
    expect(joined.status).toBe("joined");
    const anaId = joined.peers.find((p: { displayName: string }) => p.displayName === "Ana").id;
    const hostId = joined.peers.find((p: { displayName: string }) => p.displayName === "Hosta").id;
    const attempts: [string, unknown][] = [
      ["muteParticipant", { peerId: anaId, source: "mic" }],
      ["muteAll", {}],
      ["removeParticipant", { peerId: hostId }],
      ["setRoomLock", { locked: true }],
      ["lobbyAdmitAll", {}],
      ["setCoHost", { peerId: joined.peerId, cohost: true }],
      ["endMeeting", {}],
    ];
    for (const [method, data] of attempts) {
      const r = await ws.request(method, data);
      expect(r.ok, method).toBe(false);
      expect(r.error!.code, method).toBe("FORBIDDEN");
    }
    const report = await roomReport(request, room.roomId);
    expect(report!.locked).toBe(false);
    expect(report!.peers.find((p) => p.displayName === "Ana")!.producers.find((p) => p.source === "mic")!.paused).toBe(false);
    await expect(ana.page.getByTestId("toggle-mic")).toHaveAttribute("aria-pressed", "true");
    await ws.call("leave", {});
    await ws.close();
    await expect(host.page.getByTestId("participant-count")).toHaveText("3");
  });

  test("remove: the removed screen, and a reload lands in the lobby until a host decides; deny -> lobby-denied", async ({ request }) => {
    await row(host.page, "Ben").getByTestId("participant-remove").click();
    await expect(ben.page.getByTestId("removed-screen")).toBeVisible();
    await expect(host.page.getByTestId("participant-count")).toHaveText("2");
    await expect(ana.page.getByTestId("participant-count")).toHaveText("2");
    // straight back in? The page reload rejoins as the same person (rejoin ticket) and waits.
    await ben.page.reload();
    const join = ben.page.getByTestId("prejoin-join");
    await expect(join).toBeEnabled({ timeout: 20_000 });
    await join.click();
    await expect(ben.page.getByTestId("lobby-waiting")).toBeVisible({ timeout: 20_000 });
    await expect(ben.page.getByTestId("leave")).toHaveCount(0);
    const request_ = host.page.locator('[data-testid="lobby-request"][data-peer-name="Ben"]');
    await expect(request_).toBeVisible();
    await expect(request_).toContainText("removed earlier");
    // nor from a new tab of the same browser: the same (removed) person, one request
    const tab = await ben.ctx.newPage();
    await tab.goto(room.inviteUrl);
    const tabJoin = tab.getByTestId("prejoin-join");
    await expect(tabJoin).toBeEnabled({ timeout: 20_000 });
    await tabJoin.click();
    await expect(tab.getByTestId("lobby-waiting")).toBeVisible({ timeout: 20_000 });
    await expect(host.page.getByTestId("lobby-request")).toHaveCount(1);
    await expect(host.page.getByTestId("participant-count")).toHaveText("2");
    // the newer tab replaced the older one's request (same person): deny that one
    await expect(ben.page.getByTestId("room-error")).toHaveAttribute("data-error-kind", "replaced");
    await tab.close();
    await ben.page.reload();
    await expect(ben.page.getByTestId("prejoin-join")).toBeEnabled({ timeout: 20_000 });
    await ben.page.getByTestId("prejoin-join").click();
    await expect(ben.page.getByTestId("lobby-waiting")).toBeVisible({ timeout: 20_000 });
    await expect(request_).toBeVisible();
    const report = await roomReport(request, room.roomId);
    const benPeer = report!.peers.find((p) => p.displayName === "Ben");
    expect(benPeer).toMatchObject({ joined: false, waiting: "lobby", consumers: 0 });
    await expect(host.page.getByTestId("participant-count")).toHaveText("2");
    await request_.getByTestId("lobby-deny").click();
    await expect(ben.page.getByTestId("lobby-denied")).toBeVisible();
    await expect(host.page.getByTestId("lobby-request")).toHaveCount(0);
    await ben.ctx.close();
  });

  test("a regenerated invite link revokes the tokens issued through the old one; the people in the room stay", async ({ request }) => {
    // a token issued through the current link, then the host regenerates the link
    const early = await guestJoinToken(request, room.roomId, room.inviteToken, "Early");
    const manage = await host.ctx.newPage();
    await manage.goto(`${baseUrl()}/meetings/${room.roomId}`);
    const before = await readMeetingPage(manage);
    await manage.getByTestId("regenerate-invite").click();
    await expect(manage.getByTestId("invite-link")).not.toHaveValue(before.inviteUrl, { timeout: 10_000 });
    const now = await readMeetingPage(manage);
    await manage.close();
    room = { ...room, inviteUrl: now.inviteUrl, inviteToken: now.inviteToken };
    const ws2 = await RawSignalingClient.connect();
    const refused = await ws2.request("getRouterRtpCapabilities", { roomId: room.roomId, token: early });
    expect(refused.ok).toBe(false);
    expect(refused.error!.code).toBe("UNAUTHORIZED");
    expect(refused.error!.message).toMatch(/invite link/);
    const fresh = await guestJoinToken(request, room.roomId, room.inviteToken, "Later");
    expect((await ws2.request("getRouterRtpCapabilities", { roomId: room.roomId, token: fresh })).ok).toBe(true);
    await ws2.close();
    // the people already in the room stay
    await expect(ana.page.getByTestId("leave")).toBeVisible();
  });

  test("lock -> lobby -> admit: the admitted person decodes the others", async ({ browser, request }) => {
    await openParticipants(host.page);
    await host.page.getByTestId("room-lock").click();
    await expect(host.page.getByTestId("room-lock")).toHaveAttribute("aria-pressed", "true");
    cleo = await person(browser, people, "Cleo");
    await gotoPrejoin(cleo.page, room, cleo.name);
    const join = cleo.page.getByTestId("prejoin-join");
    await expect(join).toBeEnabled({ timeout: 20_000 });
    await join.click();
    await expect(cleo.page.getByTestId("lobby-waiting")).toBeVisible({ timeout: 20_000 });
    const waiting = (await roomReport(request, room.roomId))!.peers.find((p) => p.displayName === "Cleo");
    expect(waiting, "no media while waiting").toMatchObject({ joined: false, waiting: "lobby", consumers: 0 });
    await expect(ana.page.getByTestId("participant-count")).toHaveText("2");
    const knock = host.page.locator('[data-testid="lobby-request"][data-peer-name="Cleo"]');
    await expect(knock).toBeVisible();
    await expect(host.page.getByTestId("participants-open")).toHaveAttribute("aria-label", /1 waiting/);
    await knock.getByTestId("lobby-admit").click();
    await expect(cleo.page.getByTestId("leave")).toBeVisible({ timeout: 20_000 });
    for (const p of [host, ana, cleo]) await expect(p.page.getByTestId("participant-count")).toHaveText("3", { timeout: 20_000 });
    await expectRemoteVideosDecoding(cleo.page, [{ peerName: "Hosta" }, { peerName: "Ana" }], { label: "Cleo" });
    await expectRemoteVideosDecoding(ana.page, [{ peerName: "Cleo" }], { label: "Ana" });
  });

  test("end for all: everyone sees meeting-ended and nobody reconnects", async ({ request }) => {
    await host.page.getByTestId("end-meeting").click();
    await expect(host.page.getByRole("dialog")).toBeVisible();
    await host.page.getByTestId("end-meeting-confirm").click();
    for (const p of [host, ana, cleo]) await expect(p.page.getByTestId("meeting-ended")).toBeVisible();
    await expect.poll(() => roomReport(request, room.roomId)).toBeNull();
    for (const p of [host, ana, cleo]) await expect(p.page.getByTestId("leave")).toHaveCount(0);
  });
});

test.describe("meeting lifecycle in the room", () => {
  const people: P[] = [];
  test.afterEach(async () => {
    for (const p of people.splice(0)) await p.ctx.close().catch(() => {});
  });

  test("cancelling the meeting on its page while people are in the room: everyone sees meeting-ended", async ({ browser, request }) => {
    const room = await createMeetingRoom(browser, baseUrl(), "Canceller");
    const host = await person(browser, people, "Hosta", { storageState: room.host!.storageState });
    const dora = await person(browser, people, "Dora");
    await joinRoom(host.page, { room: hostRoom(room), name: host.name });
    await joinRoom(dora.page, { room, name: dora.name });
    await expect(dora.page.getByTestId("participant-count")).toHaveText("2", { timeout: 20_000 });
    const manage = await host.ctx.newPage();
    await manage.goto(`${baseUrl()}/meetings/${room.roomId}`);
    await manage.getByTestId("cancel-meeting").click();
    await expect(manage.getByTestId("meeting-status")).toHaveText("Cancelled");
    for (const p of [host, dora]) await expect(p.page.getByTestId("meeting-ended")).toBeVisible();
    await expect(dora.page.getByTestId("meeting-ended")).toContainText("cancelled");
    await expect.poll(() => roomReport(request, room.roomId)).toBeNull();
    // the invite link no longer leads anywhere
    await dora.page.goto(room.inviteUrl);
    await expect(dora.page.getByTestId("invite-cancelled")).toBeVisible();
  });

  test("guests may not join before the host: the start time in their own zone, then in when the host arrives", async ({ browser }) => {
    const base = await createMeetingRoom(browser, baseUrl(), "Latecomer");
    const host = await person(browser, people, "Hosta", { storageState: base.host!.storageState });
    const m = await scheduleMeeting(
      host.page,
      { title: `waiting for the host ${uniqueSuffix()}`, start: "2030-06-15T10:00", timeZone: "UTC", joinBeforeHost: false },
      baseUrl(),
    );
    await expect(host.page.getByTestId("meeting-room-settings")).toContainText("Guests wait until you arrive");
    const room: MeetingRoom = { roomId: m.meetingId, inviteUrl: m.inviteUrl, inviteToken: m.inviteToken, host: base.host };
    const eli = await person(browser, people, "Eli", { timezoneId: "Asia/Tokyo", locale: "en-US" });
    await gotoPrejoin(eli.page, room, eli.name);
    const join = eli.page.getByTestId("prejoin-join");
    await expect(join).toBeEnabled({ timeout: 20_000 });
    await join.click();
    const waiting = eli.page.getByTestId("waiting-for-host");
    await expect(waiting).toBeVisible({ timeout: 20_000 });
    // 10:00 UTC is 19:00 in Tokyo
    await expect(eli.page.getByTestId("waiting-start-time")).toContainText("7:00");
    await expect(eli.page.getByTestId("waiting-start-time")).toContainText("PM");
    await expect(eli.page.getByTestId("waiting-start-time")).toContainText("GMT+9");
    await joinRoom(host.page, { room: hostRoom(room), name: host.name });
    await expect(eli.page.getByTestId("leave")).toBeVisible({ timeout: 20_000 });
    await expect(eli.page.getByTestId("participant-count")).toHaveText("2");
    await expectRemoteVideosDecoding(eli.page, [{ peerName: "Hosta" }], { label: "Eli" });
    await expectRemoteVideosDecoding(host.page, [{ peerName: "Eli" }], { label: "Hosta" });
  });
});
