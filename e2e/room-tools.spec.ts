// Issue 8, the room's tools: keyboard shortcuts (never while typing, a help dialog on "?")
// and the diagnostics panel (this join's set-up metrics, live per-stream figures, copy as
// JSON). Two people with cameras, so there is something to send and to receive.
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { baseUrl } from "./fixtures/app";
import { expectRemoteVideosDecoding } from "./fixtures/media";
import { createMeetingRoom, joinRoom, newParticipantContext, type MeetingRoom } from "./fixtures/room";

test.describe.configure({ mode: "serial" });

test.describe("room tools", () => {
  let room: MeetingRoom;
  let ada: { ctx: BrowserContext; page: Page };
  let bob: { ctx: BrowserContext; page: Page };

  test.beforeAll(async ({ browser }) => {
    room = await createMeetingRoom(browser, baseUrl());
    const [a, b] = await Promise.all([
      newParticipantContext(browser, { permissions: ["clipboard-read", "clipboard-write"] }),
      newParticipantContext(browser),
    ]);
    ada = { ctx: a, page: await a.newPage() };
    bob = { ctx: b, page: await b.newPage() };
    await Promise.all([joinRoom(ada.page, { room, name: "Ada" }), joinRoom(bob.page, { room, name: "Bob" })]);
    await expectRemoteVideosDecoding(ada.page, [{ peerName: "Bob" }], { label: "Ada sees Bob" });
  });
  test.afterAll(async () => {
    await ada?.ctx.close().catch(() => {});
    await bob?.ctx.close().catch(() => {});
  });

  test("shortcuts toggle mic, camera, chat, hand and participants; nothing fires while typing; ? lists them; Shift+L leaves", async () => {
    const { page } = ada;
    const mic = page.getByTestId("toggle-mic");
    const cam = page.getByTestId("toggle-camera");
    const screen = page.getByTestId("toggle-screen");
    /** A key, then the control shows the new state and is done switching (no longer aria-busy). */
    const pressAndSee = async (key: string, control: typeof mic, pressed: "true" | "false") => {
      await page.keyboard.press(key);
      await expect(control).toHaveAttribute("aria-pressed", pressed, { timeout: 10_000 });
      await expect(control).not.toHaveAttribute("aria-busy", "true");
    };
    await page.locator("body").click({ position: { x: 5, y: 5 } });

    await pressAndSee("m", mic, "false");
    await pressAndSee("m", mic, "true");
    await pressAndSee("v", cam, "false");
    await pressAndSee("v", cam, "true");
    await page.keyboard.press("Control+m"); // the browser's, not ours
    await expect(mic).toHaveAttribute("aria-pressed", "true");

    await page.keyboard.press("c");
    await expect(page.getByTestId("chat-open")).toHaveAttribute("aria-expanded", "true");
    const input = page.getByTestId("chat-input");
    await expect(input).toBeFocused();
    await input.pressSequentially("mvc? L");
    await expect(input).toHaveValue("mvc? L");
    await input.press("Shift+L");
    await expect(mic).toHaveAttribute("aria-pressed", "true");
    await expect(cam).toHaveAttribute("aria-pressed", "true");
    await expect(page.getByTestId("leave")).toBeVisible();
    await expect(page.getByTestId("shortcuts-help")).toHaveCount(0);
    await input.fill("");
    await input.press("Escape");
    await expect(page.getByTestId("chat-open")).toHaveAttribute("aria-expanded", "false");

    await page.keyboard.press("?");
    const help = page.getByTestId("shortcuts-help");
    await expect(help).toBeVisible();
    await expect(help).toHaveAttribute("role", "dialog");
    await expect(help).toHaveAttribute("aria-modal", "true");
    await expect(help.getByTestId("shortcut-row")).toHaveCount(8);
    for (const action of ["toggleMic", "toggleCamera", "toggleScreen", "toggleHand", "toggleChat", "toggleParticipants", "leave", "showHelp"]) {
      await expect(help.locator(`[data-action="${action}"]`)).toHaveCount(1);
    }
    await expect(help.getByRole("button", { name: "Close keyboard shortcuts" })).toBeFocused();
    await page.keyboard.press("m"); // the dialog owns the keyboard
    await expect(mic).toHaveAttribute("aria-pressed", "true");
    await page.keyboard.press("Escape");
    await expect(help).toHaveCount(0);

    // screen share by key, and off again
    await pressAndSee("s", screen, "true");
    await pressAndSee("s", screen, "false");

    // hand and participants list by key; the list and the chat share the side-panel area
    await pressAndSee("h", page.getByTestId("raise-hand"), "true");
    const people = page.getByTestId("participants-open");
    await page.keyboard.press("p");
    await expect(people).toHaveAttribute("aria-expanded", "true");
    await expect(page.locator('[data-testid="participant-row"][data-peer-name="Ada"]')).toHaveAttribute("data-hand", "up");
    await page.keyboard.press("c");
    await expect(page.getByTestId("chat-input")).toBeFocused();
    await expect(page.getByTestId("participants-panel")).toBeVisible();
    await page.getByTestId("chat-input").press("Escape");
    await expect(page.getByTestId("chat-open")).toHaveAttribute("aria-expanded", "false");
    await page.keyboard.press("p");
    await expect(people).toHaveAttribute("aria-expanded", "false");
    await expect(page.getByTestId("participants-panel")).toHaveCount(0);
    await pressAndSee("h", page.getByTestId("raise-hand"), "false");
  });

  test("the diagnostics panel shows this join's set-up metrics and live per-stream figures, copyable as JSON", async () => {
    const { page } = ada;
    const toggle = page.getByTestId("diagnostics-open");
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    const panel = page.getByTestId("diagnostics-panel");
    await expect(panel).toBeVisible();

    // set-up: socket, signaling, ICE, DTLS, join and first media, each with a time
    const rows = panel.getByTestId("diagnostics-setup-row");
    await expect.poll(() => rows.count()).toBeGreaterThan(8);
    for (const name of ["socketOpen", "routerCapabilities", "recv:iceGathering:complete", "recv:dtls:connected", "recv:connected", "joinReply", "firstMedia:video"]) {
      const row = panel.locator(`[data-testid="diagnostics-setup-row"][data-name="${name}"]`);
      await expect(row, name).toHaveCount(1);
      expect(Number(await row.getAttribute("data-ms")), `${name} ms`).toBeGreaterThanOrEqual(0);
    }
    await expect(panel.getByTestId("diagnostics-signaling")).toContainText("join");

    // live figures: what I send (VP8 camera, opus mic) and receive (Bob's), refreshed every second
    const send = panel.getByTestId("diagnostics-send-row");
    // the camera is simulcast: one row per layer (rid), each named
    const camRows = send.and(page.locator('[data-source="camera"][data-codec="VP8"]'));
    await expect.poll(() => camRows.count()).toBeGreaterThan(1);
    const layers = await camRows.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-layer")));
    expect(layers.every((l) => !!l), `layers ${JSON.stringify(layers)}`).toBe(true);
    expect(new Set(layers).size, "one row per layer").toBe(layers.length);
    await expect(send.and(page.locator('[data-source="mic"][data-codec="opus"]'))).toHaveCount(1);
    const recv = panel.getByTestId("diagnostics-recv-row");
    await expect(recv.and(page.locator('[data-source="camera"][data-kind="video"]'))).toHaveCount(1);
    await expect(recv.and(page.locator('[data-kind="audio"]'))).toHaveCount(1);
    await expect(panel.getByTestId("diagnostics-transport")).toHaveCount(2);

    // Copy as JSON, until the live figures are there: a layer switch (the receive estimate
    // ramping up) leaves a second or so without decoded frames, and fps / kbps need two samples.
    type Sent = { source: string; kind: string; codec: string; width: number | null; bitrateKbps: number | null; layer: string | null };
    type Received = { source: string; peerName: string; kind: string; codec: string; framesDecoded: number | null; fps: number | null };
    type Report = {
      roomId: string;
      setup: { sinceWarmup: Record<string, number>; sinceJoin: Record<string, number>; signaling: Record<string, { count: number }> };
      sending: Sent[];
      receiving: Received[];
      transports: { direction: string; dtlsState: string }[];
    };
    let report: Report = null!;
    const copied = async () => {
      await page.getByTestId("diagnostics-copy").click();
      await expect(panel.getByRole("status")).toHaveText("Copied to the clipboard.");
      report = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
      const bob = report.receiving.find((s) => s.source === "camera" && s.peerName === "Bob");
      const liveLayer = report.sending.some((c) => c.source === "camera" && (c.width ?? 0) > 0 && (c.bitrateKbps ?? 0) > 0);
      return liveLayer && (bob?.fps ?? 0) > 0;
    };
    await expect.poll(copied, { timeout: 15_000, intervals: [1000] }).toBe(true);
    expect(report.roomId).toBe(room.roomId);
    expect(Object.keys(report.setup.sinceWarmup).length).toBeGreaterThan(8);
    expect(report.setup.sinceJoin.joinReply).toBeGreaterThan(0);
    expect(report.setup.signaling.join.count).toBe(1);
    const cams = report.sending.filter((s) => s.source === "camera");
    expect(cams.length, "one entry per simulcast layer").toBe(layers.length);
    expect(cams.every((c) => c.kind === "video" && c.codec === "VP8" && !!c.layer), JSON.stringify(cams)).toBe(true);
    const bobCam = report.receiving.find((s) => s.source === "camera" && s.peerName === "Bob")!;
    expect(bobCam).toMatchObject({ kind: "video", codec: "VP8" });
    expect(bobCam.framesDecoded).toBeGreaterThan(0);
    expect(report.transports.map((t: { direction: string }) => t.direction).sort()).toEqual(["recv", "send"]);
    expect(report.transports.every((t: { dtlsState: string }) => t.dtlsState === "connected")).toBe(true);

    await page.keyboard.press("Escape");
    await expect(panel).toHaveCount(0);
    await expect(toggle).toBeFocused();
  });

  test("Shift+L leaves the meeting", async () => {
    await bob.page.locator("body").click({ position: { x: 5, y: 5 } });
    await bob.page.keyboard.press("l");
    await expect(bob.page.getByTestId("leave")).toBeVisible();
    await bob.page.keyboard.press("Shift+L");
    await expect(bob.page.getByTestId("left-screen")).toBeVisible();
  });
});
