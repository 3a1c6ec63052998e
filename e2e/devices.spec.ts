// Issue 8, devices: camera / microphone / speaker choice before and during the call, the
// level meter, choices remembered, switching by replaceTrack (the other side keeps its
// consumer and now receives the other camera), camera off really releases the camera, a
// capture that stops mid-call is noticed, and the pre-join name race.
//
// Sam runs in a Chromium of his own with several fake cameras
// (--use-fake-device-for-media-stream=device-count=3). Chromium's fake factory makes
// fake_device_0 I420 (a green pattern), fake_device_1 Y16 (grey: a depth-camera format that
// WebRTC cannot encode — measured: framesEncoded stays 0 — so it is only used for the
// preview), fake_device_2 MJPEG (green again). Which camera is being sent is told by the
// sender's live capture track; the receiver proves it keeps the same consumer and decodes.
import { chromium, expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { baseUrl, sfuStats, waitForStats } from "./fixtures/app";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./fixtures/chromium";
import { expectRemoteAudioLive, expectRemoteVideosDecoding, peerIdsByName, remoteAudio, tilesOf } from "./fixtures/media";
import { clickJoin, createMeetingRoom, gotoPrejoin, joinRoom, newParticipantContext, type MeetingRoom } from "./fixtures/room";

test.describe.configure({ mode: "serial" });

const THREE_CAMERAS = CHROMIUM_ARGS.map((a) =>
  a === "--use-fake-device-for-media-stream" ? "--use-fake-device-for-media-stream=device-count=3" : a,
);

/** Mean colour saturation (max-min of RGB, 0..255) of what a <video> shows; null before frames. */
async function saturation(page: Page, selector: string): Promise<number | null> {
  return page.evaluate((sel) => {
    const v = document.querySelector<HTMLVideoElement>(sel);
    if (!v || !v.videoWidth) return null;
    const c = document.createElement("canvas");
    c.width = 160;
    c.height = 90;
    const g = c.getContext("2d", { willReadFrequently: true })!;
    g.drawImage(v, 0, 0, c.width, c.height);
    const px = g.getImageData(0, 0, c.width, c.height).data;
    let sum = 0;
    for (let i = 0; i < px.length; i += 4) sum += Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]);
    return sum / (px.length / 4);
  }, selector);
}

/** fake_device_1 is grey (saturation ~0), fake_device_0 and _2 coloured (~130-150). */
const GREY_BELOW = 15;
const COLOURED_ABOVE = 60;

/** Labels of the capture tracks getUserMedia gave the page that are still live. */
async function liveCaptures(page: Page, kind: "video" | "audio"): Promise<string[]> {
  return page.evaluate(
    (k) => ((window as { __e2eCaptured?: MediaStreamTrack[] }).__e2eCaptured ?? []).filter((t) => t.kind === k && t.readyState === "live").map((t) => t.label),
    kind,
  );
}

async function optionLabels(page: Page, testId: string): Promise<string[]> {
  return page.getByTestId(testId).locator("option").allTextContents();
}

async function selectByLabel(page: Page, testId: string, label: string): Promise<string> {
  const select = page.getByTestId(testId);
  const value = await select.locator("option", { hasText: label }).getAttribute("value");
  expect(value, `${testId} has an option "${label}"`).toBeTruthy();
  await select.selectOption(value!);
  await expect(select).toHaveValue(value!);
  return value!;
}

test.describe("devices", () => {
  let threeCams: Browser;
  let room: MeetingRoom;
  let sam: { ctx: BrowserContext; page: Page };
  let obi: { ctx: BrowserContext; page: Page };
  const samTile = '[data-testid="remote-tile"][data-peer-name="Sam"] video';

  test.beforeAll(async ({ browser }) => {
    threeCams = await chromium.launch({ executablePath: CHROMIUM_PATH, args: THREE_CAMERAS });
    room = await createMeetingRoom(browser, baseUrl());
  });
  test.afterAll(async () => {
    await sam?.ctx.close().catch(() => {});
    await obi?.ctx.close().catch(() => {});
    await threeCams?.close().catch(() => {});
  });

  test("pre-join: the selects list the devices, the level meter moves, a chosen camera is used and remembered", async () => {
    const ctx = await newParticipantContext(threeCams);
    const page = await ctx.newPage();
    sam = { ctx, page };
    await gotoPrejoin(page, room, "Sam");
    await expect.poll(() => optionLabels(page, "prejoin-camera-select")).toEqual(["fake_device_0", "fake_device_1", "fake_device_2"]);
    await expect.poll(async () => (await optionLabels(page, "prejoin-mic-select")).length).toBeGreaterThanOrEqual(2);
    expect(await optionLabels(page, "prejoin-mic-select")).toContain("Fake Audio Input 2");
    expect(await optionLabels(page, "prejoin-speaker-select")).toContain("Fake Audio Output 1");
    await expect(page.getByTestId("prejoin-camera-select")).toHaveValue(/.+/); // the camera in use is shown
    // the fake microphone beeps: the meter must move
    await expect.poll(async () => Number(await page.getByTestId("mic-level").getAttribute("data-level")), { timeout: 10_000 }).toBeGreaterThan(5);

    await expect.poll(() => saturation(page, '[data-testid="local-video"]')).toBeGreaterThan(COLOURED_ABOVE);
    await selectByLabel(page, "prejoin-camera-select", "fake_device_1");
    await expect.poll(() => saturation(page, '[data-testid="local-video"]'), { message: "preview from fake_device_1" }).toBeLessThan(GREY_BELOW);
    await expect.poll(() => liveCaptures(page, "video"), { message: "the previous camera was released" }).toEqual(["fake_device_1"]);
    const chosen = await selectByLabel(page, "prejoin-camera-select", "fake_device_2");
    await expect.poll(() => saturation(page, '[data-testid="local-video"]')).toBeGreaterThan(COLOURED_ABOVE);
    await expect.poll(() => liveCaptures(page, "video")).toEqual(["fake_device_2"]);
    await selectByLabel(page, "prejoin-mic-select", "Fake Audio Input 1");
    await expect.poll(() => liveCaptures(page, "audio")).toEqual(["Fake Audio Input 1"]);
    await selectByLabel(page, "prejoin-speaker-select", "Fake Audio Output 1");

    // remembered in this browser
    await page.reload();
    await expect(page.getByTestId("prejoin-camera-select")).toHaveValue(chosen, { timeout: 20_000 });
    await expect.poll(() => liveCaptures(page, "video")).toEqual(["fake_device_2"]);
    await expect.poll(() => liveCaptures(page, "audio")).toEqual(["Fake Audio Input 1"]);
    await expect(page.getByTestId("prejoin-speaker-select").locator("option:checked")).toHaveText("Fake Audio Output 1");
    await expect(page.getByTestId("prejoin-mic-select").locator("option:checked")).toHaveText("Fake Audio Input 1");
  });

  test("in the call, switching the camera and mic replaces the tracks: the other keeps its consumers, decoding the other camera", async ({ browser, request }) => {
    const octx = await newParticipantContext(browser);
    obi = { ctx: octx, page: await octx.newPage() };
    await joinRoom(obi.page, { room, name: "Obi" });
    await sam.page.getByTestId("prejoin-name").fill("Sam");
    await clickJoin(sam.page);
    await expectRemoteVideosDecoding(obi.page, [{ peerName: "Sam" }], { label: "Obi sees Sam" });
    expect(await liveCaptures(sam.page, "video")).toEqual(["fake_device_2"]);

    const tile = tilesOf(obi.page, "Sam", "camera");
    const consumerId = await tile.getAttribute("data-consumer-id");
    expect(consumerId).toBeTruthy();
    const samId = (await peerIdsByName(obi.page)).Sam;
    const audioBefore = (await remoteAudio(obi.page)).find((a) => a.peerId === samId);
    expect(audioBefore?.trackId).toBeTruthy();
    const before = await sfuStats(request);

    await sam.page.getByTestId("settings-open").click();
    await expect(sam.page.getByTestId("settings-open")).toHaveAttribute("aria-expanded", "true");
    await expect(sam.page.getByTestId("settings-panel")).toBeVisible();
    await selectByLabel(sam.page, "settings-camera-select", "fake_device_0");
    await expect.poll(() => liveCaptures(sam.page, "video"), { message: "Sam sends fake_device_0 now, the other is released" }).toEqual(["fake_device_0"]);
    await selectByLabel(sam.page, "settings-mic-select", "Fake Audio Input 2");
    await expect.poll(() => liveCaptures(sam.page, "audio")).toEqual(["Fake Audio Input 2"]);

    // same consumers at Obi, still decoding / playing; nothing was created or closed on the server
    await expect(tile).toHaveAttribute("data-consumer-id", consumerId!);
    await expectRemoteVideosDecoding(obi.page, [{ peerName: "Sam" }], { label: "after the switch" });
    await expectRemoteAudioLive(obi.page, [samId], { label: "Sam's new mic" });
    expect((await remoteAudio(obi.page)).find((a) => a.peerId === samId)?.trackId).toBe(audioBefore!.trackId);
    const after = await sfuStats(request);
    expect({ producers: after.producers, consumers: after.consumers }).toEqual({ producers: before.producers, consumers: before.consumers });
    // and the select shows the camera really in use
    await expect(sam.page.getByTestId("settings-camera-select").locator("option:checked")).toHaveText("fake_device_0");
  });

  test("camera off releases the camera (capture track ended, producer paused on the server); on captures it again", async ({ request }) => {
    const toggle = sam.page.getByTestId("toggle-camera");
    await expect(toggle).toHaveAttribute("aria-pressed", "true");
    const liveCameras = () =>
      sam.page.evaluate(() =>
        ((window as { __e2eCaptured?: MediaStreamTrack[] }).__e2eCaptured ?? []).filter((t) => t.kind === "video" && t.readyState === "live").length,
      );
    expect(await liveCameras()).toBe(1);
    const before = await sfuStats(request);
    const consumerId = await tilesOf(obi.page, "Sam", "camera").getAttribute("data-consumer-id");

    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-pressed", "false");
    await expect.poll(liveCameras, { message: "every camera track getUserMedia gave is ended (light off)" }).toBe(0);
    await waitForStats(request, (s) => s.pausedProducers === before.pausedProducers + 1 && s.producers === before.producers, {
      message: "Sam's camera producer paused on the server",
    });
    await expect(tilesOf(obi.page, "Sam", "camera")).toHaveAttribute("data-muted", "true");

    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-pressed", "true");
    await expect.poll(liveCameras).toBe(1);
    await waitForStats(request, (s) => s.pausedProducers === before.pausedProducers && s.producers === before.producers, {
      message: "resumed on the server",
    });
    await expect(tilesOf(obi.page, "Sam", "camera")).toHaveAttribute("data-muted", "false");
    await expect(tilesOf(obi.page, "Sam", "camera")).toHaveAttribute("data-consumer-id", consumerId!);
    await expectRemoteVideosDecoding(obi.page, [{ peerName: "Sam" }], { label: "camera back on" });
    // the camera chosen in the call is the one that came back
    expect(await liveCaptures(sam.page, "video")).toEqual(["fake_device_0"]);
    await expect.poll(() => saturation(obi.page, samTile)).toBeGreaterThan(COLOURED_ABOVE);
  });

  test("a camera revoked mid-call is noticed: the control turns off, the producer pauses, a notice says why", async ({ request }) => {
    const before = await sfuStats(request);
    await sam.ctx.clearPermissions();
    await sam.ctx.grantPermissions(["microphone"]);
    await expect(sam.page.getByTestId("toggle-camera")).toHaveAttribute("aria-pressed", "false", { timeout: 10_000 });
    await expect(sam.page.getByTestId("room-notice")).toContainText("camera stopped");
    await waitForStats(request, (s) => s.pausedProducers === before.pausedProducers + 1, { message: "paused after the revoke" });
    await expect(tilesOf(obi.page, "Sam", "camera")).toHaveAttribute("data-muted", "true");
  });

  test("pre-join name: typing right away is never mixed with a default name; a signed-in name is prefilled", async ({ browser }) => {
    const ctx = await newParticipantContext(browser);
    try {
      const page = await ctx.newPage();
      // hold the token until the field is focused: the token (named "Guest") lands while the
      // person is about to type
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      await page.route("**/api/rooms/*/join-token", async (route) => {
        await gate;
        await route.continue();
      });
      await page.goto(room.inviteUrl);
      const input = page.getByTestId("prejoin-name");
      await expect(input).toBeVisible({ timeout: 20_000 });
      await input.focus();
      const answered = page.waitForResponse("**/api/rooms/*/join-token");
      release();
      await answered;
      await input.pressSequentially("Bo");
      await expect(input).toHaveValue("Bo");
      await page.getByTestId("prejoin-join").click();
      await expect(page.getByTestId("self-tile")).toContainText("Bo (you)", { timeout: 30_000 });
      await expect(tilesOf(obi.page, "Bo")).toHaveCount(1, { timeout: 10_000 });
    } finally {
      await ctx.close();
    }

    const hostCtx = await newParticipantContext(browser, { storageState: room.host!.storageState });
    try {
      const page = await hostCtx.newPage();
      await page.goto(`${baseUrl()}/room/${room.roomId}`);
      await expect(page.getByTestId("prejoin-name")).toHaveValue(room.host!.account.name, { timeout: 20_000 });
    } finally {
      await hostCtx.close();
    }
  });
});
