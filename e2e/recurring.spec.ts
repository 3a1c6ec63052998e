// Issue 9: a weekly series scheduled once keeps its local time across a DST change (page,
// dashboard, .ics read back by ical.js); one occurrence can be moved or cancelled.
import ICAL from "ical.js";
import { expect, test } from "@playwright/test";
import { baseUrl } from "./fixtures/app";
import { newAccount, readMeetingPage, signUp, uniqueSuffix } from "./fixtures/room";

const BERLIN = "Europe/Berlin";
const berlinTime = (iso: string) =>
  new Intl.DateTimeFormat("en-GB", { timeZone: BERLIN, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));

test("weekly 09:00 Berlin across the March DST change: every occurrence at 09:00 local; edit / cancel one", async ({ browser }) => {
  const ctx = await browser.newContext({ baseURL: baseUrl(), timezoneId: BERLIN });
  const page = await ctx.newPage();
  await signUp(page, newAccount("Series"));
  const title = `Stand-up ${uniqueSuffix()}`;
  await page.goto("/meetings/new");
  await page.getByTestId("meeting-title").fill(title);
  await page.getByTestId("meeting-start").fill("2031-03-17T09:00"); // a Monday, CET; DST starts 30 March
  await page.getByTestId("meeting-timezone").selectOption(BERLIN);
  await page.getByTestId("meeting-duration").fill("15");
  await page.getByTestId("meeting-repeat").selectOption("weekly");
  await page.getByTestId("meeting-repeat-day-MO").check();
  await page.getByTestId("meeting-repeat-day-TH").check();
  await page.getByTestId("meeting-repeat-end").selectOption("count");
  await page.getByTestId("meeting-repeat-count").fill("6");
  await page.getByTestId("meeting-submit").click();
  await page.waitForURL((u) => /^\/meetings\/[A-Za-z0-9_-]+$/.test(u.pathname) && u.pathname !== "/meetings/new");
  const m = await readMeetingPage(page);
  await expect(page.getByTestId("meeting-recurrence")).toHaveText("Weekly on Mon, Thu · 6 times");

  const rows = page.getByTestId("occurrence-row");
  await expect(rows).toHaveCount(6);
  const starts = await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-starts-at")!));
  expect(starts).toEqual([
    "2031-03-17T08:00:00.000Z", // CET: UTC+1
    "2031-03-20T08:00:00.000Z",
    "2031-03-24T08:00:00.000Z",
    "2031-03-27T08:00:00.000Z",
    "2031-03-31T07:00:00.000Z", // CEST: UTC+2, still 09:00 in Berlin
    "2031-04-03T07:00:00.000Z",
  ]);
  expect(starts.map(berlinTime)).toEqual(Array(6).fill("09:00"));
  await expect(rows.nth(4)).toContainText("March 31, 2031 at 9:00 AM"); // shown in the viewer's zone (Berlin)

  // one invite link for the whole series; the dashboard shows the next occurrence
  await page.goto("/");
  const listed = page.getByTestId("meeting-row").filter({ hasText: title });
  await expect(listed.getByTestId("meeting-next")).toHaveAttribute("data-starts-at", starts[0]);

  // the .ics: an RRULE in Berlin time that a calendar library expands to 09:00 local
  const ics = await (await ctx.request.get(`/api/meetings/${m.meetingId}/ics`)).text();
  expect(ics).toMatch(/^DTSTART;TZID=Europe\/Berlin:20310317T090000\r?$/m);
  expect(ics).toMatch(/^RRULE:FREQ=WEEKLY;BYDAY=MO,TH;COUNT=6\r?$/m);
  const cal = new ICAL.Component(ICAL.parse(ics));
  for (const tz of cal.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(new ICAL.Timezone(tz));
  const ev = new ICAL.Event(cal.getFirstSubcomponent("vevent")!);
  const it = ev.iterator();
  const expanded: string[] = [];
  for (let t = it.next(); t; t = it.next()) expanded.push(t.toJSDate().toISOString());
  expect(expanded).toEqual(starts);

  // move the 5th occurrence to 14:30, cancel the 2nd: the others stay
  await page.goto(m.meetingUrl);
  await rows.nth(4).getByTestId("occurrence-edit").click();
  await page.getByTestId("occurrence-start").fill("2031-03-31T14:30");
  await page.getByTestId("occurrence-submit").click();
  await page.waitForURL(m.meetingUrl);
  await rows.nth(1).getByTestId("occurrence-cancel").click();
  await expect(rows).toHaveCount(5);
  const after = await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-starts-at")!));
  expect(after).toEqual([starts[0], starts[2], starts[3], "2031-03-31T12:30:00.000Z", starts[5]]);
  const ics2 = await (await ctx.request.get(`/api/meetings/${m.meetingId}/ics`)).text();
  expect(ics2).toMatch(/^EXDATE;TZID=Europe\/Berlin:20310320T090000\r?$/m);
  expect(ics2).toMatch(/^RECURRENCE-ID;TZID=Europe\/Berlin:20310331T090000\r?$/m);
  expect(ics2).toMatch(/^SEQUENCE:2\r?$/m);
  await ctx.close();
});
