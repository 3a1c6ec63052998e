// Mail settings from the environment. SMTP_URL unset = the embedded default: mails are
// written as .eml files to an outbox folder, so a one-machine install works without a relay.
import { join, resolve } from "node:path";
import { z } from "zod";

export type MailConfig =
  | { kind: "smtp"; url: string; from: string }
  | { kind: "outbox"; dir: string; from: string };

const smtpUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      return ["smtp:", "smtps:"].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, "SMTP_URL must look like smtp://user:pass@host:587 or smtps://host:465");

export function mailConfig(env: Record<string, string | undefined> = process.env): MailConfig {
  const from = env.MAIL_FROM?.trim() || "Meet <meet@localhost>";
  const url = env.SMTP_URL?.trim();
  if (url) {
    const parsed = smtpUrl.safeParse(url);
    if (!parsed.success) throw new Error(parsed.error.issues[0].message);
    return { kind: "smtp", url: parsed.data, from };
  }
  // A runtime path, not a file of the app: keep Next's output tracing out of it.
  const dir = resolve(/*turbopackIgnore: true*/ env.MAIL_OUTBOX_DIR?.trim() || join(env.DATA_DIR ?? "data", "outbox"));
  return { kind: "outbox", dir, from };
}
