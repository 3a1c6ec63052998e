// Sends mail with nodemailer: over SMTP when SMTP_URL is set, else into the outbox folder
// (one .eml file per message, the log says where). Never throws: the result says whether the
// mail went, so callers can record it (invitations) or carry on (sign-up).
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import nodemailer, { type Transporter } from "nodemailer";
import type Mail from "nodemailer/lib/mailer";
import { mailConfig, type MailConfig } from "@/lib/mail/config";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** A calendar part (text/calendar; method=...) plus the same as an .ics attachment. */
  calendar?: { method: "REQUEST" | "CANCEL"; content: string; filename: string };
}

export type SendResult = { ok: true; messageId: string; file?: string } | { ok: false; error: string };

type Log = (obj: object, msg: string) => void;

interface MailerState {
  config: MailConfig;
  transport: Transporter;
}

const SEND_TIMEOUT_MS = 15_000;

function createState(config: MailConfig): MailerState {
  const transport =
    config.kind === "smtp"
      ? nodemailer.createTransport(config.url, {}) // pooling off: a few mails per action
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "crlf" });
  return { config, transport };
}

function state(): MailerState {
  const g = globalThis as unknown as { __meetMailer?: MailerState; __meetMailerKey?: string };
  const config = mailConfig();
  const key = JSON.stringify(config);
  if (!g.__meetMailer || g.__meetMailerKey !== key) {
    g.__meetMailer = createState(config);
    g.__meetMailerKey = key;
  }
  return g.__meetMailer;
}

let logged = false;

function toMessage(from: string, m: OutgoingMail): Mail.Options {
  return {
    from,
    to: m.to,
    subject: m.subject,
    text: m.text,
    ...(m.html ? { html: m.html } : {}),
    ...(m.calendar
      ? {
          icalEvent: { method: m.calendar.method, content: m.calendar.content, filename: m.calendar.filename },
          attachments: [
            {
              filename: m.calendar.filename,
              content: m.calendar.content,
              contentType: `application/ics; method=${m.calendar.method}`,
            },
          ],
        }
      : {}),
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`mail server did not answer within ${ms / 1000} s`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

/** Sends one mail; logs and reports failures instead of throwing. */
export async function sendMail(m: OutgoingMail, log: Log = defaultLog): Promise<SendResult> {
  let s: MailerState;
  try {
    s = state();
  } catch (err) {
    const error = (err as Error).message;
    log({ err }, "mail not configured correctly");
    return { ok: false, error };
  }
  try {
    const info = await withTimeout(s.transport.sendMail(toMessage(s.config.from, m)), SEND_TIMEOUT_MS);
    if (s.config.kind === "outbox") {
      await mkdir(s.config.dir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, "-")}-${info.messageId.replace(/[^A-Za-z0-9._-]/g, "")}.eml`;
      const file = join(s.config.dir, name);
      await writeFile(file, info.message as Buffer, { mode: 0o600 });
      if (!logged) {
        logged = true;
        log({ dir: s.config.dir }, "SMTP_URL is not set: mails are written to the outbox folder");
      }
      log({ to: m.to, subject: m.subject, file }, "mail written to the outbox");
      return { ok: true, messageId: info.messageId, file };
    }
    return { ok: true, messageId: info.messageId };
  } catch (err) {
    const error = (err as Error)?.message?.slice(0, 300) || "sending failed";
    log({ err, to: m.to, subject: m.subject }, "mail could not be sent");
    return { ok: false, error };
  }
}

function defaultLog(obj: object, msg: string): void {
  console.log(`[mail] ${msg}`, JSON.stringify(obj, (_k, v) => (v instanceof Error ? v.message : v)));
}
