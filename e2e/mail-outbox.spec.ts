// Issue 9: without SMTP_URL (the embedded default) mails are .eml files in the outbox folder
// (the shared e2e server's MAIL_OUTBOX_DIR); the verification link in it works.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { simpleParser } from "mailparser";
import { expect, test } from "@playwright/test";
import { baseUrl } from "./fixtures/app";
import { newAccount, signUp } from "./fixtures/room";

function outboxDir(): string {
  const dir = process.env.E2E_DB_DIR;
  if (!dir) throw new Error("E2E_DB_DIR unset: run through playwright.config.ts");
  return path.join(dir, "outbox");
}

async function mailsTo(address: string) {
  let files: string[] = [];
  try {
    files = readdirSync(outboxDir()).filter((f) => f.endsWith(".eml"));
  } catch {
    return [];
  }
  const parsed = await Promise.all(files.map((f) => simpleParser(readFileSync(path.join(outboxDir(), f)))));
  return parsed.filter((m) => (m.to && !Array.isArray(m.to) ? m.to.text : "").toLowerCase().includes(address.toLowerCase()));
}

test("sign-up writes the verification mail to the outbox; its link verifies the address", async ({ browser }) => {
  const ctx = await browser.newContext({ baseURL: baseUrl() });
  const page = await ctx.newPage();
  const acct = newAccount("Outbox");
  await signUp(page, acct);
  await expect(page.getByTestId("signup-verify-notice")).toContainText(acct.email);
  let mail: Awaited<ReturnType<typeof mailsTo>>[number] | undefined;
  await expect.poll(async () => (mail = (await mailsTo(acct.email))[0]) !== undefined, { timeout: 15_000 }).toBe(true);
  expect(mail!.subject).toBe("Confirm your email address");
  const link = /https?:\/\/\S+\/verify-email\?token=\S+/.exec(mail!.text ?? "")?.[0];
  expect(link, mail!.text).toBeTruthy();
  await page.goto(link!);
  await page.getByTestId("verify-submit").click();
  await expect(page.getByTestId("verify-result")).toHaveAttribute("data-status", "ok");
  await page.goto("/");
  await expect(page.getByTestId("signup-verify-notice")).toHaveCount(0);
  await ctx.close();
});
