// Issue 9: verified accounts, password reset, OAuth linking and email invitations, end to end.
// Its own app server (fresh database) sends mail over SMTP to a real SMTP server started in
// this test process (smtp-server), and uses a local HTTP mock as its GitHub (GITHUB_URL).
import ICAL from "ical.js";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { linkIn, SmtpCapture, type CapturedMail } from "./fixtures/smtp-capture";
import { GitHubMock } from "./fixtures/github-mock";
import { AppServer } from "./fixtures/app-server";
import { newAccount, readMeetingPage, signIn, signUp, type Account } from "./fixtures/room";

test.describe.configure({ mode: "serial" });

let smtp: SmtpCapture;
let github: GitHubMock;
let server: AppServer;
const app = { get baseURL() { return server.localURL; } };
const BOSS = `boss-${Date.now().toString(36)}@example.test`;

test.beforeAll(async () => {
  test.setTimeout(150_000);
  smtp = await SmtpCapture.start();
  github = await GitHubMock.start();
  server = new AppServer({
    numWorkers: 1,
    env: {
      LOG_LEVEL: process.env.SERVER_LOG_LEVEL ?? "warn",
      SMTP_URL: smtp.url,
      MAIL_FROM: "Meet <meet@example.test>",
      ADMIN_EMAILS: BOSS,
      GITHUB_ID: "test-client",
      GITHUB_SECRET: "test-secret",
      GITHUB_URL: github.url,
    },
  });
  await server.start(120_000);
});

test.afterAll(async () => {
  await server?.dispose();
  await github?.close();
  await smtp?.close();
});

async function page(browser: Browser): Promise<Page> {
  const ctx = await browser.newContext({ baseURL: app.baseURL });
  return ctx.newPage();
}

const verifyMail = (email: string) => smtp.waitFor((m) => m.to.includes(email) && /Confirm your email/.test(m.subject), 15_000, `verification mail to ${email}`);

async function useVerifyLink(p: Page, mail: CapturedMail): Promise<string> {
  const link = linkIn(mail, "/verify-email?token=");
  expect(new URL(link).origin).toBe(app.baseURL);
  await p.goto(link);
  await p.getByTestId("verify-submit").click();
  await expect(p.getByTestId("verify-result")).toHaveAttribute("data-status", "ok");
  return link;
}

test("the first account on an empty database is admin; sign-up mails a verification link that works once", async ({ browser }) => {
  const p = await page(browser);
  const first = newAccount("First");
  await signUp(p, first, app.baseURL);
  await expect(p.getByTestId("signup-verify-notice")).toBeVisible();
  const res = await p.goto("/admin");
  expect(res?.status(), "the first account stays admin without verifying").toBe(200);

  const mail = await verifyMail(first.email);
  expect(mail.from).toContain("meet@example.test");
  const link = await useVerifyLink(p, mail);
  await p.goto("/");
  await expect(p.getByTestId("signout")).toBeVisible();
  await expect(p.getByTestId("signup-verify-notice")).toHaveCount(0);
  // the same link again: refused
  await p.goto(link);
  await expect(p.getByTestId("verify-result")).toHaveAttribute("data-status", "error");
  await expect(p.getByTestId("verify-submit")).toHaveCount(0);
  await p.context().close();
});

test("an ADMIN_EMAILS address signed up with a password is not admin until it is verified, then is", async ({ browser }) => {
  const p = await page(browser);
  const boss: Account = { ...newAccount("Boss"), email: BOSS };
  await signUp(p, boss, app.baseURL);
  expect((await p.goto("/admin"))?.status()).toBe(403);
  await expect(p.getByTestId("admin-forbidden")).toBeVisible();
  // sign out and in again: still no admin by typing the address
  await p.goto("/");
  await p.getByTestId("signout").click();
  await expect(p.getByTestId("signout")).toHaveCount(0);
  await signIn(p, boss, app.baseURL);
  expect((await p.goto("/admin"))?.status()).toBe(403);

  await useVerifyLink(p, await verifyMail(BOSS));
  const res = await p.goto("/admin");
  expect(res?.status()).toBe(200);
  await expect(p.getByTestId("history-total")).toBeVisible();
  await p.context().close();
});

test("GitHub sign-in is refused for an existing unverified local account with that address, and works for a new one", async ({ browser }) => {
  // someone registered the victim's address with a password first (never verified)
  const squatter = await page(browser);
  const victim = newAccount("Victim");
  await signUp(squatter, victim, app.baseURL);
  await squatter.context().close();

  const p = await page(browser);
  github.signInAs({ id: 1001, login: "victim", email: victim.email, verified: true });
  await p.goto("/signin");
  await p.getByTestId("oauth-github").click();
  await p.waitForURL(/\/signin\?error=OAuthLocalUnverified/);
  await expect(p.getByTestId("form-error")).toContainText("not confirmed yet");
  await expect(p.getByTestId("signout")).toHaveCount(0);
  expect(github.requests).toContain("GET /api/v3/user/emails");

  // a provider address GitHub has not verified: refused too
  github.signInAs({ id: 1002, login: "newbie", email: `unverified-${Date.now()}@example.test`, verified: false });
  await p.goto("/signin");
  await p.getByTestId("oauth-github").click();
  await p.waitForURL(/\/signin\?error=OAuthEmailUnverified/);
  await expect(p.getByTestId("signout")).toHaveCount(0);

  // control: a verified GitHub address without an account gets a new (verified) account
  github.signInAs({ id: 1003, login: "octo", email: `octo-${Date.now()}@example.test`, verified: true });
  await p.goto("/signin");
  await p.getByTestId("oauth-github").click();
  await expect(p.getByTestId("signout")).toBeVisible({ timeout: 20_000 });
  await expect(p.getByTestId("signup-verify-notice")).toHaveCount(0);
  await p.context().close();
});

test("password reset by mail; the answer for an unknown address is identical", async ({ browser }) => {
  const p = await page(browser);
  const acct = newAccount("Forgetful");
  await signUp(p, acct, app.baseURL);
  await p.getByTestId("signout").click();
  await expect(p.getByTestId("signout")).toHaveCount(0);

  await p.goto("/signin");
  await p.getByTestId("forgot-password").click();
  await expect(p).toHaveURL(/\/forgot-password$/);
  await p.getByTestId("reset-email").fill(acct.email);
  await p.getByTestId("reset-submit").click();
  const known = (await p.getByTestId("reset-sent").textContent())!.trim();

  await p.goto("/forgot-password");
  await p.getByTestId("reset-email").fill(`nobody-${Date.now()}@example.test`);
  await p.getByTestId("reset-submit").click();
  const unknown = (await p.getByTestId("reset-sent").textContent())!.trim();
  expect(unknown).toBe(known);

  const mail = await smtp.waitFor((m) => m.to.includes(acct.email) && /Reset your password/.test(m.subject), 15_000, "reset mail");
  const link = linkIn(mail, "/reset-password?token=");
  await p.goto(link);
  await p.getByTestId("new-password").fill("a-brand-new-password");
  await p.getByTestId("new-password-submit").click();
  await expect(p.getByTestId("reset-done")).toBeVisible();
  // the link is spent
  await p.goto(link);
  await expect(p.getByTestId("reset-invalid")).toBeVisible();
  // the old password no longer works, the new one does
  await p.goto("/signin");
  await p.getByTestId("signin-email").fill(acct.email);
  await p.getByTestId("signin-password").fill(acct.password);
  await p.getByTestId("signin-submit").click();
  await expect(p.getByTestId("form-error")).toContainText("Wrong email or password");
  await signIn(p, { ...acct, password: "a-brand-new-password" }, app.baseURL);
  await p.context().close();
});

/** Calendar parts of a mail, parsed: method, uid, sequence, status. */
function calendarOf(mail: CapturedMail) {
  expect(mail.calendars.length, `calendar in "${mail.subject}"`).toBeGreaterThan(0);
  const cal = new ICAL.Component(ICAL.parse(mail.calendars[0]));
  const ev = cal.getFirstSubcomponent("vevent")!;
  return {
    method: cal.getFirstPropertyValue("method"),
    uid: ev.getFirstPropertyValue("uid"),
    sequence: Number(ev.getFirstPropertyValue("sequence")),
    status: ev.getFirstPropertyValue("status"),
    start: (ev.getFirstPropertyValue("dtstart") as ICAL.Time).toJSDate().toISOString(),
    attendees: ev.getAllProperties("attendee").map((a) => String(a.getFirstValue()).toLowerCase()),
  };
}

test("invitations: REQUEST with a stable UID; a reschedule raises SEQUENCE; a cancel sends METHOD:CANCEL", async ({ browser }) => {
  const p = await page(browser);
  await signUp(p, newAccount("Inviter"), app.baseURL);
  const stamp = Date.now().toString(36);
  const guests = [`ann-${stamp}@example.test`, `ben-${stamp}@example.test`];
  await p.goto("/meetings/new");
  await p.getByTestId("meeting-title").fill(`Invite test ${stamp}`);
  await p.getByTestId("meeting-start").fill("2031-02-03T10:00");
  await p.getByTestId("meeting-timezone").selectOption("UTC");
  await p.getByTestId("meeting-duration").fill("30");
  await p.getByTestId("meeting-attendees").fill(`${guests[0]}, not-an-address`);
  await p.getByTestId("meeting-submit").click();
  await expect(p.getByTestId("field-error")).toContainText("Not an email address: not-an-address");
  await p.getByTestId("meeting-attendees").fill(guests.join("\n"));
  await p.getByTestId("meeting-submit").click();
  await p.waitForURL((u) => /^\/meetings\/[A-Za-z0-9_-]+$/.test(u.pathname) && u.pathname !== "/meetings/new");
  const m = await readMeetingPage(p);
  await expect(p.getByTestId("meeting-attendee")).toHaveCount(2);
  await expect(p.locator('[data-testid="meeting-attendee"][data-status="sent"]')).toHaveCount(2);

  const first = await Promise.all(guests.map((g) => smtp.waitFor((x) => x.to.includes(g) && /^Invitation:/.test(x.subject), 15_000, `invite to ${g}`)));
  const c0 = first.map(calendarOf);
  for (const c of c0) {
    expect(c.method).toBe("REQUEST");
    expect(c.sequence).toBe(0);
    expect(c.start).toBe("2031-02-03T10:00:00.000Z");
    expect(c.attendees).toEqual(expect.arrayContaining(guests.map((g) => `mailto:${g}`)));
  }
  expect(c0[0].uid).toBe(c0[1].uid);
  expect(first[0].text).toContain(m.inviteUrl);

  // reschedule: every attendee gets an update with the same UID and a higher SEQUENCE
  await p.getByTestId("edit-meeting").click();
  await p.getByTestId("meeting-start").fill("2031-02-04T11:30");
  await p.getByTestId("meeting-submit").click();
  await expect(p).toHaveURL(new RegExp(`/meetings/${m.meetingId}$`));
  const updates = await Promise.all(guests.map((g) => smtp.waitFor((x) => x.to.includes(g) && /^Updated invitation:/.test(x.subject), 15_000, `update to ${g}`)));
  for (const u of updates.map(calendarOf)) {
    expect(u.method).toBe("REQUEST");
    expect(u.uid).toBe(c0[0].uid);
    expect(u.sequence).toBeGreaterThan(c0[0].sequence);
    expect(u.start).toBe("2031-02-04T11:30:00.000Z");
  }

  // the .ics download of the same meeting carries the same UID
  const ics = await (await p.context().request.get(`/api/meetings/${m.meetingId}/ics`)).text();
  expect(ics).toContain(`UID:${c0[0].uid}`);

  // cancel: METHOD:CANCEL, still the same UID, SEQUENCE higher again
  await p.getByTestId("cancel-meeting").click();
  await expect(p.getByTestId("meeting-status")).toHaveText("Cancelled");
  const cancels = await Promise.all(guests.map((g) => smtp.waitFor((x) => x.to.includes(g) && /^Cancelled:/.test(x.subject), 15_000, `cancel to ${g}`)));
  const updateSeq = calendarOf(updates[0]).sequence;
  for (const c of cancels.map(calendarOf)) {
    expect(c.method).toBe("CANCEL");
    expect(c.status).toBe("CANCELLED");
    expect(c.uid).toBe(c0[0].uid);
    expect(c.sequence).toBeGreaterThan(updateSeq);
  }
  await p.context().close();
});
