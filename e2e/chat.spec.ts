// Issue 8, chat: three people talk by text, a hostile message stays text and runs nothing,
// links are safe, a late joiner gets the history, a reconnect keeps it (and brings what was
// missed meanwhile), the server's rate limit is shown, the admin reads the session's chat.
// Cameras stay off in this spec: it is about text, and 2 cores are better spent elsewhere.
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { baseUrl } from "./fixtures/app";
import { promoteToAdmin } from "./fixtures/db";
import { createMeetingRoom, gotoPrejoin, newParticipantContext, type MeetingRoom } from "./fixtures/room";

test.describe.configure({ mode: "serial" });

type P = { name: string; ctx: BrowserContext; page: Page };

const HOSTILE = [
  `<img src=x onerror="window.__pwned='img'">`,
  `<script>window.__pwned='script'</script>`,
  `<a href="javascript:window.__pwned='href'">click me</a>`,
];

async function joinWithoutCamera(browser: Browser, room: MeetingRoom, name: string): Promise<P> {
  const ctx = await newParticipantContext(browser);
  const page = await ctx.newPage();
  await gotoPrejoin(page, room, name);
  const cam = page.getByTestId("prejoin-toggle-camera");
  await expect(cam).toHaveAttribute("aria-pressed", "true", { timeout: 15_000 });
  await cam.click();
  await expect(cam).toHaveAttribute("aria-pressed", "false");
  const join = page.getByTestId("prejoin-join");
  await expect(join).toBeEnabled({ timeout: 20_000 });
  await join.click();
  await expect(page.getByTestId("leave")).toBeVisible({ timeout: 30_000 });
  return { name, ctx, page };
}

async function openChat(page: Page): Promise<void> {
  const toggle = page.getByTestId("chat-open");
  if ((await toggle.getAttribute("aria-expanded")) === "true") return;
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  await expect(page.getByTestId("chat-input")).toBeFocused(); // the panel takes the focus
}

async function send(page: Page, text: string, how: "enter" | "button" = "enter"): Promise<void> {
  await openChat(page);
  const input = page.getByTestId("chat-input");
  await input.fill(text);
  if (how === "enter") await input.press("Enter");
  else await page.getByTestId("chat-send").click();
  await expect(input).toHaveValue("");
}

const messages = (page: Page) => page.getByTestId("chat-message");

async function chatLog(page: Page): Promise<[string | null, string][]> {
  return messages(page).evaluateAll((els) =>
    els.map((el) => [el.getAttribute("data-from"), el.querySelector("p:last-child")?.textContent ?? ""] as [string | null, string]),
  );
}

test.describe("chat", () => {
  let room: MeetingRoom;
  const people: P[] = [];
  const byName = (n: string) => people.find((p) => p.name === n)!;

  test.beforeAll(async ({ browser }) => {
    room = await createMeetingRoom(browser, baseUrl(), "ChatHost", { freshHost: true });
  });
  test.afterAll(async () => {
    for (const p of people) await p.ctx.close().catch(() => {});
  });

  test("three people chat; unread badges count what arrived while the panel was closed", async ({ browser }) => {
    people.push(...(await Promise.all(["Ana", "Ben", "Cleo"].map((n) => joinWithoutCamera(browser, room, n)))));
    const [ana, ben, cleo] = people;
    for (const p of people) {
      await expect(p.page.getByTestId("chat-open")).toHaveAttribute("aria-expanded", "false");
      await expect(p.page.getByTestId("chat-unread")).toHaveCount(0);
    }

    await send(ana.page, "Hello from Ana");
    await expect(messages(ana.page)).toHaveCount(1);
    await expect(messages(ana.page).first()).toHaveAttribute("data-from", "Ana");
    for (const p of [ben, cleo]) await expect(p.page.getByTestId("chat-unread")).toHaveText("1");
    await expect(ana.page.getByTestId("chat-unread")).toHaveCount(0);

    await openChat(ben.page);
    await expect(ben.page.getByTestId("chat-unread")).toHaveCount(0);
    await expect(messages(ben.page)).toHaveCount(1);
    await expect(messages(ben.page).first()).toHaveAttribute("data-from", "Ana");
    await expect(messages(ben.page).first()).toContainText("Hello from Ana");

    await send(ben.page, "Hi Ana, Ben here\nsecond line", "button");
    await expect(messages(ana.page)).toHaveCount(2);
    await expect(messages(ana.page).nth(1)).toHaveAttribute("data-from", "Ben");
    await expect(ana.page.getByTestId("chat-unread")).toHaveCount(0); // her panel is open
    await expect(cleo.page.getByTestId("chat-unread")).toHaveText("2");

    // Escape closes the panel and gives the focus back to its toggle
    await ben.page.getByTestId("chat-input").press("Escape");
    await expect(ben.page.getByTestId("chat-open")).toHaveAttribute("aria-expanded", "false");
    await expect(ben.page.getByTestId("chat-open")).toBeFocused();

    await openChat(cleo.page);
    expect(await chatLog(cleo.page)).toEqual([
      ["Ana", "Hello from Ana"],
      ["Ben", "Hi Ana, Ben here\nsecond line"],
    ]);
  });

  test("a hostile message shows as text and runs nothing; only http(s) links are links", async () => {
    const [ana, ben, cleo] = people;
    for (const p of people) expect(await p.page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    for (const h of HOSTILE) await send(cleo.page, h);
    await send(cleo.page, "docs: https://example.org/guide?x=1. and javascript:window.__pwned='link'");

    await openChat(ana.page);
    for (const p of [ana, ben]) {
      await openChat(p.page);
      await expect(messages(p.page)).toHaveCount(6);
      const log = await chatLog(p.page);
      expect(log.slice(2, 5)).toEqual(HOSTILE.map((h) => ["Cleo", h]));
      const chat = p.page.getByTestId("chat-panel");
      // nothing of it became markup
      await expect(chat.locator("img, script, iframe")).toHaveCount(0);
      await expect(chat.locator('a[href^="javascript" i]')).toHaveCount(0);
      const links = chat.locator("a");
      await expect(links).toHaveCount(1);
      await expect(links).toHaveAttribute("href", "https://example.org/guide?x=1");
      await expect(links).toHaveAttribute("rel", "noopener noreferrer");
      await expect(links).toHaveAttribute("target", "_blank");
      // clicking the text that looks like script does nothing either
      await messages(p.page).nth(4).getByText("click me", { exact: false }).click();
      await messages(p.page).nth(5).getByText("javascript:", { exact: false }).click();
    }
    for (const p of people) {
      expect(await p.page.evaluate(() => (window as { __pwned?: unknown }).__pwned), `${p.name}: a script ran`).toBeUndefined();
    }
  });

  test("a late joiner gets the history", async ({ browser }) => {
    const dan = await joinWithoutCamera(browser, room, "Dan");
    people.push(dan);
    await expect(dan.page.getByTestId("chat-unread")).toHaveCount(0); // old news, not unread
    await openChat(dan.page);
    await expect(messages(dan.page)).toHaveCount(6);
    expect(await chatLog(dan.page)).toEqual(await chatLog(byName("Ana").page));
    await expect(dan.page.getByTestId("chat-panel").locator("img, script")).toHaveCount(0);
  });

  test("a reconnect keeps the history and brings the messages missed meanwhile", async () => {
    const ben = byName("Ben");
    const ana = byName("Ana");
    const before = await chatLog(ben.page);
    await ben.ctx.setOffline(true);
    await expect(ben.page.getByTestId("reconnecting-banner")).toBeVisible({ timeout: 10_000 });
    await send(ana.page, "while Ben was away");
    await ben.ctx.setOffline(false);
    await expect(ben.page.getByTestId("reconnecting-banner")).toHaveCount(0, { timeout: 20_000 });
    await expect(messages(ben.page)).toHaveCount(before.length + 1, { timeout: 10_000 });
    expect(await chatLog(ben.page)).toEqual([...before, ["Ana", "while Ben was away"]]);
    // and the chat works again both ways
    await send(ben.page, "back again");
    await expect(messages(ana.page).last()).toHaveAttribute("data-from", "Ben");
    await expect(messages(ana.page).last()).toContainText("back again");
  });

  test("sending too fast is refused by the server, said in the panel, and the text is kept", async () => {
    const dan = byName("Dan");
    await openChat(dan.page);
    const input = dan.page.getByTestId("chat-input");
    for (let i = 0; i < 12; i++) {
      await input.fill(`flood ${i}`);
      await input.press("Enter");
      if (await dan.page.getByTestId("chat-error").isVisible()) break;
    }
    await expect(dan.page.getByTestId("chat-error")).toContainText("too fast");
    await expect(input).not.toHaveValue("");
    // a message near the limit: the counter shows, the field stops at 2000 characters
    await input.fill("y".repeat(2100));
    await expect(input).toHaveValue("y".repeat(2000));
    await expect(dan.page.locator("#chat-count")).toHaveText("2000 / 2000");
  });

  test("the admin reads the session's chat on its page, as text", async ({ browser }) => {
    const host = room.host!;
    promoteToAdmin(host.account.email);
    const ctx = await browser.newContext({ storageState: host.storageState, baseURL: baseUrl() });
    try {
      const page = await ctx.newPage();
      await page.goto("/admin");
      const link = page.locator(`a[href^="/admin/sessions/"]`).first();
      await expect(link).toBeVisible();
      await link.click();
      await page.waitForURL(/\/admin\/sessions\/[^/]+$/);
      const chat = page.getByTestId("session-chat");
      // the archive writes in batches of ~2 s
      await expect
        .poll(async () => {
          await page.reload();
          return chat.getByTestId("session-chat-message").count();
        }, { timeout: 15_000, intervals: [1000] })
        .toBeGreaterThanOrEqual(8);
      await expect(chat.getByTestId("session-chat-message").first()).toHaveAttribute("data-from", "Ana");
      await expect(chat.getByText(HOSTILE[0], { exact: true })).toHaveCount(1);
      await expect(chat.locator("img, script")).toHaveCount(0);
    } finally {
      await ctx.close();
    }
  });
});
